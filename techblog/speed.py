"""Work the theme and our writers repeat on every page or build, done once.

Each seam keeps the output byte for byte (tests/test_incremental.py compares
incremental, parallel and clean builds):

- pydata-sphinx-theme renders every sidebar and header template once to find
  out whether it is empty, then again into the page.  Templates that are never
  empty skip the first render (the theme already does this for its own
  ``sidebar-nav-bs.html``; the book theme's ``sbt-sidebar-nav.html``, which
  builds the whole navigation, was missed).
- The navigation tree of a page outside every toctree (posts, listings) marks
  no current entry, so it depends only on the page's folder (relative links):
  it is made once per folder and kind instead of once per page.
- Feeds are written from each post's HTML; it is kept between builds in the
  doctree folder and made again only for posts read again.
"""

from __future__ import annotations

import pickle
import posixpath
from pathlib import Path

import pydata_sphinx_theme.utils as pst_utils
from sphinx.application import Sphinx

from . import feeds

# Templates that always render something: the emptiness check is skipped for them.
NEVER_EMPTY = ["sbt-sidebar-nav.html", "navbar-logo.html", "search-button-field.html",
               "techblog/sidebar-blog.html", "sidebar-nav-bs.html", "navbar-nav.html"]
FEED_CACHE = "techblog-feed-html.pickle"


def _skip_never_empty(original):
    def update_and_remove(app, context, templates, section, templates_skip_empty_check=None):
        skip = list(templates_skip_empty_check or []) + NEVER_EMPTY
        return original(app, context, templates, section, templates_skip_empty_check=skip)
    update_and_remove.techblog = True
    return update_and_remove


def _in_toctrees(env) -> set[str]:
    docs = {env.config.root_doc}
    for children in env.toctree_includes.values():
        docs.update(children)
    return docs


def _share_navigation(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    generate = context.get("generate_toctree_html")
    if generate is None or pagename in _nav_state(app)["in_toctrees"]:
        return
    cache = _nav_state(app)["html"]
    folder = posixpath.dirname(pagename)

    def shared(kind: str, **kwargs):
        key = (folder, kind, tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = generate(kind, **kwargs)
        return cache[key]

    context["generate_toctree_html"] = shared


def _nav_state(app: Sphinx) -> dict:
    state = getattr(app, "_techblog_nav", None)
    if state is None:
        state = app._techblog_nav = {"in_toctrees": _in_toctrees(app.env), "html": {}}
    return state


class CachedFeedWriter(feeds.FeedWriter):
    """A FeedWriter whose per-post HTML survives between builds."""

    def __init__(self, app: Sphinx):
        super().__init__(app)
        self.path = Path(app.doctreedir) / FEED_CACHE
        self.stamps = {d: app.env.all_docs.get(d) for d in app.env.all_docs}
        try:
            saved = pickle.loads(self.path.read_bytes())
        except (OSError, pickle.PickleError, EOFError, ValueError):
            saved = {}
        self._html = {d: html for d, (stamp, html) in saved.items() if self.stamps.get(d) == stamp}

    def save(self) -> None:
        data = {d: (self.stamps.get(d), html) for d, html in self._html.items()}
        self.path.write_bytes(pickle.dumps(data, pickle.HIGHEST_PROTOCOL))


def _write_feeds(app: Sphinx):
    if app.builder.format != "html" or app.builder.name in ("json", "pickle"):
        return
    writer = CachedFeedWriter(app)
    for posts, docname, title, page in feeds.feeds(app):
        writer.write(posts, docname, title, page)
    writer.save()
    yield from ()


def _replace(app: Sphinx, event: str, old, new) -> None:
    for listener in list(app.events.listeners[event]):
        if listener.handler is old:
            app.disconnect(listener.id)
            app.connect(event, new, priority=listener.priority)


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.feeds")
    if not getattr(pst_utils._update_and_remove_templates, "techblog", False):
        pst_utils._update_and_remove_templates = _skip_never_empty(pst_utils._update_and_remove_templates)
    # After pydata-sphinx-theme's add_toctree_functions (priority 500).
    app.connect("html-page-context", _share_navigation, priority=600)
    _replace(app, "html-collect-pages", feeds._write_feeds, _write_feeds)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
