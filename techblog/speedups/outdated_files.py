"""Sphinx's checks of which pages changed and which to write, answered with plain ``os.stat``.

Every build asks, for every page, whether its doctree file is there, whether
its source is newer than when it was read, and whether any file it depends on
is missing or newer (``_has_doc_changed``): three ``pathlib`` objects and two
or three ``stat`` calls a page, the same figure stated once for every post that
shows it (0.2 s of a rebuild with nothing changed at 5,000 posts).  Here the
same questions are asked with strings, each dependency once per build; a page
for which any answer is "changed" (or a file cannot be read) is handed to
Sphinx's own function, which decides and logs as before.

The HTML builder then asks, for every page, whether its source or the newest
template is newer than its written file (``get_outdated_docs``: two more
``pathlib`` objects a page, 0.1 s at 5,000 posts).  When the build information
is the last build's and no template is newer than it, the same comparison is
made with strings; otherwise Sphinx's own method answers, and says why every
page is written again.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import sphinx.environment as sphinx_environment
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.builders.html._build_info import BuildInfo

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


def _written_before_templates(builder: StandaloneHTMLBuilder) -> int | None:
    """The newest template's time when the build information is the last build's and older than none of them."""
    info = os.path.join(os.fspath(builder.outdir), ".buildinfo")
    try:
        if BuildInfo.load(Path(info)) != builder.build_info:
            return None
        info_mtime = _mtime_us(os.stat(info))
    except (ValueError, OSError):
        return None
    template_mtime = int(builder.templates.newest_template_mtime() * 10**6)
    return template_mtime if template_mtime <= info_mtime else None


def _pages_checked_with_strings(get_outdated_docs):
    def outdated_docs(builder):
        template_mtime = None
        if type(builder) is StandaloneHTMLBuilder and builder.templates:
            template_mtime = _written_before_templates(builder)
        if template_mtime is None:
            yield from get_outdated_docs(builder)
            return
        env = builder.env
        outdir, srcdir, suffix = os.fspath(builder.outdir), os.fspath(env.srcdir), builder.out_suffix
        sources = env.project._docname_to_path
        for docname in env.found_docs:
            if docname not in env.all_docs:
                yield docname
                continue
            try:
                target_mtime = _mtime_us(os.stat(os.path.join(outdir, docname + suffix)))
            except OSError:
                target_mtime = 0
            try:
                source = sources.get(docname) or env.doc2path(docname)
                doc_mtime = _mtime_us(os.stat(os.path.join(srcdir, source)))
            except OSError:
                continue  # the source is gone
            if max(doc_mtime, template_mtime) > target_mtime:
                yield docname
    return outdated_docs


def _install(patches: Patches, app: Sphinx) -> None:
    patches.replace(sphinx_environment, "_has_doc_changed", _checked_with_strings)
    patches.replace(StandaloneHTMLBuilder, "get_outdated_docs", _pages_checked_with_strings)


SPEEDUP = Speedup("outdated_files", {"sphinx": "9.0.4"}, _install)
