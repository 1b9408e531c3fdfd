"""The pages a build warned about: after a failed build, the next one reads just those again.

A problem found while reading or writing a page is reported only when the page
is read or written, so after a failed build the next build must go through the
pages with problems again, or it would pass with the problems still there.
Reading every page again does that, but at 5,000 posts it is a minute and a
half for each build until the writer's one mistake is fixed.

So each warning of the build (every problem is one, ``-W`` or not) is placed on
its page, from the location Sphinx logs it with: a document name, a
``(document, line)`` pair, a node, or a ``path:line`` string.  A warning that
cannot be placed on a page of the build (none given, a listing page, a data
file) makes the next build read every page again, as before.  Warnings logged
while the configuration is read are not counted: that runs in every build and
reports its problems (the posts' front matter, the registries) every time.
"""

from __future__ import annotations

import logging
import re
import weakref

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.logging import NAMESPACE, get_node_location

from techblog import metadata
from techblog.core.perbuild import PerBuild

LINE = re.compile(r":\d+$")
# Logged at the end about the build as a whole, after the problems themselves.
SUMMARIES = {("techblog", "summary")}


class _Collector(logging.Handler):
    """The pages the warnings of one build are about."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__(logging.WARNING)
        self._app = weakref.ref(app)
        self.pages: set[str] = set()
        self.unplaced = False

    def emit(self, record: logging.LogRecord) -> None:
        app = self._app()
        if app is None or (getattr(record, "type", None), getattr(record, "subtype", None)) in SUMMARIES:
            return
        page = page_of(app, getattr(record, "location", None))
        if page is None:
            self.unplaced = True
        else:
            self.pages.add(page)


def page_of(app: Sphinx, location) -> str | None:
    """The document of the build a warning's location names, or None."""
    if isinstance(location, tuple):
        location = location[0]
    elif isinstance(location, nodes.Node):
        location = get_node_location(location)
    if not isinstance(location, str) or not location:
        return None
    found = app.env.found_docs
    if location in found:
        return location
    docname = app.env.path2doc(LINE.sub("", location))
    return docname if docname in found else None


_collectors: PerBuild[_Collector] = PerBuild()


def _start(app: Sphinx) -> None:
    collector = _collectors.set(app, _Collector(app))
    logging.getLogger(NAMESPACE).addHandler(collector)


def _stop(app: Sphinx, exception) -> None:
    collector = _collectors.get(app)
    if collector is not None:
        logging.getLogger(NAMESPACE).removeHandler(collector)


def pages(app: Sphinx) -> set[str] | None:
    """The pages this build warned about so far; None when a warning was not about one of them."""
    collector = _collectors.get(app)
    if collector is None or collector.unplaced:
        return None
    return set(collector.pages)


def setup(app: Sphinx) -> dict:
    # After the configuration is read and the environment loaded: what is logged before runs every build.
    app.connect("builder-inited", _start, priority=0)
    # After the last problem, and after techblog.core.staleness has recorded what this build warned about (950).
    app.connect("build-finished", _stop, priority=9_000)
    return metadata()
