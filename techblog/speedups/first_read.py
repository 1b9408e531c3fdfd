"""A page Sphinx has never read has no labels to take out of the standard domain.

Before reading a page, Sphinx removes what the page's previous reading left in
the environment (``BuildEnvironment.clear_doc``), also for a page it never
read.  The standard domain then scans all its labels, objects and terms for
the page's name; the labels grow with each page read, so in a clean build the
scans grow with the square of the pages (0.6 s at 1,000 posts).  Domains take
entries of a page only while Sphinx reads it, and Sphinx enters the page in
``env.all_docs`` at the end of that reading (or when merging a ``-j``
worker's pages, with their entries): for a page not in ``all_docs`` the
standard domain's scan is skipped.  The other domains are asked as before.

The scan has a side effect Sphinx relies on: reading the domain's tables
creates their keys in the environment (``terms`` is not in the domain's
initial data), and ``-j`` merges a worker's tables by those keys.  The
tables are still read for a page never read.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.domains.std import StandardDomain
from sphinx.environment import BuildEnvironment

from techblog.compat.patching import Patches
from techblog.speedups.layer import Speedup


def _only_pages_read_before(original):
    def clear_doc(self: BuildEnvironment, docname: str) -> None:
        if docname in self.all_docs:
            original(self, docname)
            return
        for name in self.domains:
            domain = self.domains[name]
            if isinstance(domain, StandardDomain):
                (domain.progoptions, domain.objects, domain._terms, domain.labels, domain.anonlabels)  # noqa: B018
            else:
                domain.clear_doc(docname)
    return clear_doc


def _install(patches: Patches, app: Sphinx) -> None:
    patches.replace(BuildEnvironment, "clear_doc", _only_pages_read_before)


SPEEDUP = Speedup("first_read", {"sphinx": "9.0.4"}, _install)
