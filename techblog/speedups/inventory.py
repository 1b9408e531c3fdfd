"""``objects.inv`` written again only when the labels and objects it lists changed.

Sphinx writes the inventory at the end of every build (``dump_inventory``):
every label and object of every page, compressed (0.1 s of a rebuild with
nothing changed at 5,000 posts).  It is made from the domains' data, which
only reading or removing a document changes, and from the project's name and
version.  So when no document was removed, the configuration is the one of the
last build, the documents read again list the same entries as before they were
read (an edited post whose headings stayed), and the file is there, the file
already written is this build's.
"""

from __future__ import annotations

from pathlib import Path

import sphinx.builders.html as sphinx_html
from sphinx.application import Sphinx
from sphinx.environment import CONFIG_OK

from techblog.compat import incremental
from techblog.compat.patching import Patches
from techblog.core import staleness
from techblog.core.perbuild import PerBuild
from techblog.speedups.layer import Speedup

# The documents to read, and their entries before they were read.
_before: PerBuild[tuple[frozenset[str], list[tuple]]] = PerBuild()


def entries_of(app: Sphinx, docnames: frozenset[str]) -> list[tuple]:
    """What the inventory lists of *docnames*: each domain's objects in them, in order.

    The standard domain lists every page with its title (``env.titles``, kept
    pickled page by page: :mod:`techblog.speedups.env_values`); it is asked
    with ``env.all_docs`` narrowed to *docnames*, so that only their titles are read.
    """
    env = app.env
    all_docs = env.all_docs
    env.all_docs = {d: all_docs[d] for d in docnames if d in all_docs}
    try:
        return sorted((domain.name, *entry) for domain in env.domains.sorted()
                      for entry in domain.get_objects() if entry[3] in docnames)
    finally:
        env.all_docs = all_docs


def unchanged(app: Sphinx) -> bool:
    """Whether the inventory on disk is this build's: nothing removed, the same entries, the file there."""
    read = incremental.docs_read(app)
    if read is None or staleness.removed_docs(app) or not (Path(app.outdir) / sphinx_html.INVENTORY_FILENAME).is_file():
        return False
    if not read:
        return True
    before = _before.get(app)
    return (before is not None and before[0] == read and app.env.config_status == CONFIG_OK
            and entries_of(app, before[0]) == before[1])


def _note_entries(app: Sphinx, env, docnames: list[str]) -> None:
    # A new page adds at least its own entry: the inventory is written again.
    if docnames and all(d in env.all_docs for d in docnames):
        read = frozenset(docnames)
        _before.set(app, (read, entries_of(app, read)))


def _install(patches: Patches, app: Sphinx) -> None:
    def wrap(dump_inventory):
        def dump_unless_unchanged(builder) -> None:
            if builder._app is app and unchanged(app):
                return
            dump_inventory(builder)
        return dump_unless_unchanged

    patches.replace(sphinx_html.StandaloneHTMLBuilder, "dump_inventory", wrap)
    patches.connect(app, "env-before-read-docs", _note_entries)


SPEEDUP = Speedup("inventory_unchanged", {"sphinx": "9.0.4"}, _install)
