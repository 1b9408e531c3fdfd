"""Posts that get no page left out of Sphinx's list of documents, not through ``exclude_patterns``.

Drafts, scheduled posts and posts with problems get no page:
:mod:`techblog.content.posts` adds their files to ``exclude_patterns`` when
the configuration is read.  But ``exclude_patterns`` is a setting whose change
makes Sphinx read every page again (its ``rebuild`` is ``"env"``), and that
list changes whenever a post gets a page or loses one: ``make new-post``
writes a draft, the writer publishes it, a scheduled post's time comes, a
mistake in a front matter is made or fixed.  Each of those re-read all 5,000
posts of a large blog (about 90 s) instead of the one post.

Here the files are taken back out of ``exclude_patterns`` and dropped from
what ``Project.discover`` (``sphinx/project.py``) finds instead, so Sphinx
sees the post as a file added or removed, which the incremental build already
handles (``tests/test_incremental.py``).  With the layer off, the list is in
``exclude_patterns`` as before and every page is read again.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import sphinx.project as sphinx_project
from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.content import posts
from techblog.speedups.layer import Speedup


def _leaving_out(unbuilt: frozenset[str]):
    def wrap(discover):
        def discover_built(self: sphinx_project.Project, exclude_paths: Iterable[str] = (),
                           include_paths: Iterable[str] = ("**",)) -> set[str]:
            docnames = discover(self, exclude_paths, include_paths)
            for path in unbuilt:
                docname = self._path_to_docname.pop(Path(path), None)
                if docname is not None:
                    docnames.discard(docname)
                    self._docname_to_path.pop(docname, None)
            return docnames
        return discover_built
    return wrap


def _install(patches: Patches, app: Sphinx) -> None:
    unbuilt = frozenset(posts.of(app).excluded())
    if not unbuilt:
        return
    app.config.exclude_patterns = [p for p in app.config.exclude_patterns if p not in unbuilt]
    patches.replace(sphinx_project.Project, "discover", _leaving_out(unbuilt))


SPEEDUP = Speedup("unbuilt_posts", {"sphinx": "9.0.4"}, _install)
