"""Pre-publish safety check: what a post may not leak, inject or break.

One module per rule family (:mod:`.secrets`, :mod:`.addresses`, :mod:`.markup`,
:mod:`.images`, :mod:`.links`), the raw-Markdown model they share
(:mod:`.source`), inline suppressions (:mod:`.suppress`), the project's lists
(:mod:`.config`, ``data/safety.yml``), safe embeds (:mod:`.embeds`) and the
Sphinx extension that runs them all on every page that is built
(:mod:`.extension`).  Writers' documentation: docs/writers-guide/safety.md.
"""

from techblog import metadata


def setup(app):
    app.setup_extension("techblog.safety.extension")
    return metadata()
