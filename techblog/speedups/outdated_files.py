"""Sphinx's check of which pages changed, answered with plain ``os.stat`` where nothing did.

Every build asks, for every page, whether its doctree file is there, whether
its source is newer than when it was read, and whether any file it depends on
is missing or newer (``_has_doc_changed``): three ``pathlib`` objects and two
or three ``stat`` calls a page, the same figure stated once for every post that
shows it (0.2 s of a rebuild with nothing changed at 5,000 posts).  Here the
same questions are asked with strings, each dependency once per build; a page
for which any answer is "changed" (or a file cannot be read) is handed to
Sphinx's own function, which decides and logs as before.
"""

from __future__ import annotations

import os
import stat

import sphinx.environment as sphinx_environment
from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.speedups.layer import Speedup


def _mtime_us(st: os.stat_result) -> int:
    return -(st.st_mtime_ns // -1_000)  # Sphinx's _last_modified_time: microseconds, rounded up


def _unchanged(docname: str, filename, doctreedir, all_docs, dependencies, dep_mtimes: dict) -> bool:
    """True only when Sphinx's ``_has_doc_changed`` would answer False."""
    if not os.path.isfile(os.path.join(os.fspath(doctreedir), docname + ".doctree")):
        return False
    mtime = all_docs[docname]
    if _mtime_us(os.stat(filename)) > mtime:
        return False
    if docname not in dependencies:
        return True
    for dep in dependencies[docname]:
        dep_mtime = dep_mtimes.get(dep)
        if dep_mtime is None:
            st = os.stat(dep)
            if not stat.S_ISREG(st.st_mode):
                return False
            dep_mtime = dep_mtimes[dep] = _mtime_us(st)
        if dep_mtime > mtime:
            return False
    return True


def _checked_with_strings(has_doc_changed):
    dep_mtimes: dict = {}  # for this build: Patches puts the original back when it ends

    def changed(docname, *, filename, reread_always, doctreedir, all_docs, dependencies) -> bool:
        try:
            if docname not in reread_always and _unchanged(docname, filename, doctreedir, all_docs, dependencies,
                                                           dep_mtimes):
                return False
        except (OSError, KeyError):
            pass
        return has_doc_changed(docname, filename=filename, reread_always=reread_always, doctreedir=doctreedir,
                               all_docs=all_docs, dependencies=dependencies)

    return changed


def _install(patches: Patches, app: Sphinx) -> None:
    patches.replace(sphinx_environment, "_has_doc_changed", _checked_with_strings)


SPEEDUP = Speedup("outdated_files", {"sphinx": "9.0.4"}, _install)
