"""A page Sphinx has never read has nothing to take out of its environment.

Before reading a page, Sphinx removes what the page's previous reading left in
the environment (``BuildEnvironment.clear_doc``), also for a page it never
read: every domain then scans all its entries for the page's name.  The
standard domain's labels grow with each page read, so in a clean build the
scans grow with the square of the pages (0.5 s at 1,000 posts).  Domains take
entries of a page only while Sphinx reads it, and Sphinx enters the page in
``env.all_docs`` at the end of that reading (or when merging a ``-j``
worker's pages, with their entries): a page not in ``all_docs`` has no entries
to remove, and the domains are not asked.  Extensions still get their
``env-purge-doc`` event, which Sphinx emits on its own.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .seams import wrap_once


def _only_pages_read_before(original):
    def clear_doc(self: BuildEnvironment, docname: str) -> None:
        if docname in self.all_docs:
            original(self, docname)
    return clear_doc


def setup(app: Sphinx) -> dict:
    wrap_once(BuildEnvironment, "clear_doc", _only_pages_read_before)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
