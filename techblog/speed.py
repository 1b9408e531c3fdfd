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
  it is made once per folder and kind instead of once per page, and so is the
  primary sidebar around it (:mod:`techblog.layout_fragments`).
- Feeds are written from each post's HTML; it is kept between builds in the
  doctree folder and made again only for posts read again, and a feed is
  written again only when its newest posts, or what it shows of them, changed.
- pydata-sphinx-theme compiles its "edit this page" URL template with a new
  ``jinja2.Template`` on every page (2 s at 1,000 posts); the compiled
  template is kept, and renders with the few names it reads instead of the
  whole page context (0.1 s).
- When ``sphinx-build`` has finished the build and is exiting, Python spends
  over a second freeing every object of the build one by one; the process
  ends right away instead, with the build's exit status (as mypy's fast exit
  does).  Only a command-line build that ran to its end does this.
- Related posts: the reader's post footer scores every other post for every
  post (O(n²) in all); here the posts sharing a tag, series or category are
  found through an index built once per list of posts, with the same order.
- Sphinx adds ``?v=<checksum>`` to each stylesheet and script of every page,
  and resolves the file's path for it each time (ten files a page, 0.5 s at
  1,000 posts); the checksum itself it already keeps per path for the whole
  process (``sphinx.builders.html._assets._file_checksum_inner``), so the
  answer per output folder and file name is kept too.
- Sphinx sets its logger to DEBUG and lets each handler drop what the
  verbosity does not show, so every page makes about ten log records nobody
  sees (progress lines, "emitting event" debug lines: 0.6 s at 1,000 posts).
  The logger's own level is set to the lowest its handlers show, which drops
  the same records before they are made.
- The theme renders ``page-toc.html`` once to find out whether it is empty;
  it is empty exactly when the page's table of contents is, which the page
  has already made (:mod:`techblog.page_toc`).  The template is rendered only
  when the themes' own copy is overridden.  (The theme's "On this page"
  heading id is now ``pst-page-navigation-heading``: the first render had
  taken that id and left ``-2`` to the page.)
- sphinx-book-theme's ``hash_html_assets`` looks for its assets under names
  Sphinx no longer uses and changes nothing; it runs only when they are there.
- The search index is kept between builds by :mod:`techblog.search_cache`.
- Sphinx clears a page it never read from every domain before reading it
  (quadratic in a clean build): :mod:`techblog.first_read`.
- docutils makes an id from every section title with ``make_id`` (Unicode
  normalisation and three passes of character tables, 15 µs); the same
  headings (はじめに, まとめ) come back in post after post, and the function
  depends on its argument only, so its answers are kept (0.1 s at 1,000 posts).
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import logging
import os
import pickle
import posixpath
import sys
from pathlib import Path

import docutils.nodes
import jinja2
import jinja2.meta
import pydata_sphinx_theme.edit_this_page as pst_edit
import pydata_sphinx_theme.utils as pst_utils
import sphinx.builders.html as sphinx_html
import sphinx_book_theme
from sphinx.application import Sphinx

from . import buildstate, feeds, gc_tuning, layout_fragments, related
from .ablog_compat import replace_listener
from .seams import swap_listener, wrap_once

# Templates that always render something: the emptiness check is skipped for them.
NEVER_EMPTY = ["sbt-sidebar-nav.html", "navbar-logo.html", "search-button-field.html",
               "techblog/sidebar-blog.html", "sidebar-nav-bs.html", "navbar-nav.html",
               # The sidebar toggle always renders; our header always has the edit and theme buttons.
               "toggle-primary-sidebar.html", "article-header-buttons.html",
               # The theme's ad placement is a fixed <div> (0.15 s at 1,000 posts to find that out).
               "sidebar-ethical-ads.html"]
PAGE_TOC = "page-toc.html"
# The themes' page-toc.html (the book theme's is a copy with a configurable title).
THEME_PAGE_TOCS = {Path(module.__file__).parent / "theme" / module.__name__.split(".")[0] / "components" / PAGE_TOC
                   for module in (pst_utils, sphinx_book_theme)}
FEED_CACHE = "techblog-feed-html.pickle"
FEED_KEYS = "techblog-feed-keys.json"


def _skip_never_empty(original):
    def update_and_remove(app, context, templates, section, templates_skip_empty_check=None):
        skip = list(templates_skip_empty_check or []) + NEVER_EMPTY
        if _lists_page_toc(templates) and _page_toc_shows(app, context):
            skip.append(PAGE_TOC)
        return original(app, context, templates, section, templates_skip_empty_check=skip)
    return update_and_remove


def _lists_page_toc(templates) -> bool:
    """Whether *templates* (a list, or names separated by commas) has page-toc, and no other name the skip would match."""
    names = {name.strip() for name in (templates.split(",") if isinstance(templates, str) else templates)}
    tocs = {name for name in names if name.endswith((PAGE_TOC, "page-toc"))}
    return bool(tocs) and tocs <= {PAGE_TOC, "page-toc"}


def _page_toc_shows(app: Sphinx, context: dict) -> bool:
    """Whether the theme's ``page-toc.html`` renders something: exactly when the page's TOC is not empty.

    Asked through the page's (cached) ``generate_toc_html``, not by rendering
    the template (0.4 s at 1,000 posts); a site that overrides the template
    gets the theme's check.
    """
    if "generate_toc_html" not in context:
        return False
    stock = getattr(app, "_techblog_stock_page_toc", None)
    if stock is None:
        template = app.builder.templates.environment.get_template(PAGE_TOC)
        stock = app._techblog_stock_page_toc = Path(template.filename) in THEME_PAGE_TOCS
    return stock and len(context["generate_toc_html"]()) >= 1


class _UrlTemplate:
    """A compiled URL template that renders with only the names it reads.

    The theme renders it with the whole page context (about 200 names, copied
    into a new Jinja context on every call, twice a page): the names the
    template does not read cannot change what it renders.
    """

    def __init__(self, source: str):
        self.template = jinja2.Template(source)
        self.names = jinja2.meta.find_undeclared_variables(self.template.environment.parse(source))

    def render(self, **context) -> str:
        return self.template.render({name: context[name] for name in self.names if name in context})


class _CompiledOnce:
    """Stands in for the ``jinja2`` module in pydata_sphinx_theme.edit_this_page."""

    def __init__(self):
        self._templates: dict[str, _UrlTemplate] = {}

    def Template(self, source: str) -> _UrlTemplate:  # noqa: N802 (the name the theme calls)
        if source not in self._templates:
            self._templates[source] = _UrlTemplate(source)
        return self._templates[source]


# sphinx-book-theme's own assets, by the names its hash_html_assets looks for.
BOOK_THEME_ASSETS = {"scripts/sphinx-book-theme.js", "styles/sphinx-book-theme.css"}


def _hash_assets_when_listed(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """sphinx-book-theme's ``hash_html_assets``, only for a page that lists the assets by those names.

    The theme adds ``?digest=`` to the entries named ``scripts/...`` and
    ``styles/...`` (sphinx-book-theme PR #794); Sphinx 7.1 and later list them
    as ``_static/...`` with their own ``?v=`` checksum (Sphinx PR #11415), so
    the handler finds nothing to change, after resolving the theme's folder
    and checking that both files exist on every page (0.3 s at 1,000 posts).
    """
    listed = {getattr(asset, "filename", str(asset))
              for key in ("css_files", "script_files") for asset in context.get(key, ())}
    if listed & BOOK_THEME_ASSETS:
        sphinx_book_theme.hash_html_assets(app, pagename, templatename, context, doctree)


def _metadata_without_description(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """sphinx-book-theme's ``add_metadata_to_page`` without the page's ``page_description``.

    The theme joins the text of every section of the page (nested sections
    again, inside their parents' text) to keep its first 160 characters as
    ``page_description`` (0.2 s at 1,000 posts), which no template of the
    theme, of pydata-sphinx-theme or of this site reads: the description in
    ``<meta>`` comes from ``techblog.social``.  The doctree is used for nothing
    else there.  ``tests/test_speed.py`` fails if a template starts to read it.
    """
    sphinx_book_theme.add_metadata_to_page(app, pagename, templatename, context, None)


def _swap_book_theme_handlers(app: Sphinx) -> None:
    swap_listener(app, "html-page-context", sphinx_book_theme.hash_html_assets, _hash_assets_when_listed)
    swap_listener(app, "html-page-context", sphinx_book_theme.add_metadata_to_page, _metadata_without_description)


def _exit_fast_when_done(app: Sphinx) -> None:
    """Arrange for the process to end without tearing down the heap once the build has ended."""
    if not gc_tuning.command_line_build():
        return
    cleanup = app.builder.cleanup

    def cleanup_then_arm() -> None:
        cleanup()  # the last step of Sphinx.build(); app.statuscode is final after it
        atexit.register(_exit_now, app)

    app.builder.cleanup = cleanup_then_arm


def _exit_now(app: Sphinx) -> None:
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(app.statuscode)


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
    context[layout_fragments.SHARED_FOLDER] = folder


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
        saved = buildstate.load_pickle(self.path)
        relinked = getattr(app, "_techblog_relinked", set())
        self._html = {d: html for d, (stamp, html) in saved.items()
                      if self.stamps.get(d) == stamp and d not in relinked}

    def save(self) -> None:
        data = {d: (self.stamps.get(d), html) for d, html in self._html.items()}
        self.path.write_bytes(pickle.dumps(data, pickle.HIGHEST_PROTOCOL))


def _write_feeds(app: Sphinx):
    if app.builder.format != "html" or app.builder.name in ("json", "pickle"):
        return
    every = feeds.feeds(app)
    unchanged = (not getattr(app, "_techblog_listing_changed", True) and not getattr(app, "_techblog_docs_read", True)
                 and not getattr(app, "_techblog_relinked", True)
                 and all(Path(app.builder.outdir, docname).is_file() for _, docname, _, _ in every))
    if unchanged:  # no post read again, no listing changed: the feeds on disk are this build's
        return
    writer = CachedFeedWriter(app)
    written = buildstate.load_json(Path(app.doctreedir) / FEED_KEYS)
    keys = {}
    for listed, docname, title, page in every:
        keys[docname] = _feed_key(app, writer, listed, title, page)
        if keys[docname] != written.get(docname) or not Path(app.builder.outdir, docname).is_file():
            writer.write(listed, docname, title, page)
    writer.save()
    for gone in written.keys() - keys.keys():  # the feed of a tag left without posts
        Path(app.builder.outdir, gone).unlink(missing_ok=True)
    Path(app.doctreedir, FEED_KEYS).write_text(json.dumps(keys, sort_keys=True), encoding="utf-8")
    yield from ()


def _feed_key(app: Sphinx, writer: CachedFeedWriter, listed, title: str, page: str) -> str:
    """What one feed shows: its newest posts (their listing keys and when their pages were read), the site."""
    listing = getattr(app.env, "techblog_listing", None) or {}
    keys, relinked = listing.get("keys", {}), getattr(app, "_techblog_relinked", set())
    shown = [(p.docname, keys.get(p.docname), writer.stamps.get(p.docname), p.docname in relinked)
             for p in writer.entries(listed)]
    entry = repr((listing.get("site"), title, page, shown)).encode("utf-8")
    return hashlib.sha256(entry).hexdigest()


class RelatedIndex:
    """Who shares what, for one list of candidate posts."""

    def __init__(self, candidates):
        order = sorted(candidates, key=lambda c: c.date, reverse=True)
        self.rank = {c.docname: i for i, c in enumerate(order)}
        self.newest_first = order
        self.by_tag: dict[str, list] = {}
        self.by_series: dict[str, list] = {}
        self.by_category: dict[str, list] = {}
        for c in order:
            for tag in set(c.tags):
                self.by_tag.setdefault(tag, []).append(c)
            if c.series:
                self.by_series.setdefault(c.series, []).append(c)
            if c.category:
                self.by_category.setdefault(c.category, []).append(c)

    def related(self, post, minimum: int = 3, maximum: int = 5) -> list:
        """Same result as :func:`techblog.related.related`."""
        points: dict[str, int] = {}
        metas = {}
        for tag in set(post.tags):
            for c in self.by_tag.get(tag, ()):
                points[c.docname] = points.get(c.docname, 0) + related.TAG_WEIGHT
                metas[c.docname] = c
        for c in self.by_series.get(post.series, ()) if post.series else ():
            points[c.docname] = points.get(c.docname, 0) + related.SERIES_WEIGHT
            metas[c.docname] = c
        for docname, c in metas.items():
            if post.category and c.category == post.category:
                points[docname] += related.CATEGORY_WEIGHT
        points.pop(post.docname, None)
        scored = sorted(points, key=lambda d: (-points[d], self.rank[d]))[:maximum]
        if len(scored) < maximum and post.category:
            for c in self.by_category.get(post.category, ()):
                if len(scored) >= maximum:
                    break
                if c.docname != post.docname and c.docname not in points:
                    scored.append(c.docname)
        chosen = set(scored)
        result = [metas.get(d) or self._meta(d) for d in scored]
        for c in self.newest_first:
            if len(result) >= minimum:
                break
            if c.docname != post.docname and c.docname not in chosen:
                result.append(c)
        return result

    def _meta(self, docname: str):
        return self.newest_first[self.rank[docname]]


def _indexed_related(original):
    last: list = []  # [candidates, index] of the previous call

    def fast(post, candidates, minimum: int = 3, maximum: int = 5):
        # Callers pass a fresh copy of the same list; comparing lists checks identity first, in C.
        if not last or last[0] != candidates:
            last[:] = [list(candidates), RelatedIndex(candidates)]
        return last[1].related(post, minimum, maximum)
    return fast


def _log_only_what_is_shown() -> None:
    sphinx_logger = logging.getLogger("sphinx")
    levels = [handler.level for handler in sphinx_logger.handlers]
    if levels:
        sphinx_logger.setLevel(min(levels))


def setup(app: Sphinx) -> dict:
    _log_only_what_is_shown()
    app.setup_extension("techblog.feeds")
    app.setup_extension("techblog.staleness")
    app.setup_extension("techblog.search_cache")
    app.setup_extension("techblog.settings_cache")
    app.setup_extension("techblog.highlight_cache")
    app.setup_extension("techblog.frontmatter_yaml")
    app.setup_extension("techblog.markdown_parser")
    app.setup_extension("techblog.template_cache")
    app.setup_extension("techblog.card_html")
    app.setup_extension("techblog.page_toc")
    app.setup_extension("techblog.first_read")
    app.setup_extension("techblog.layout_fragments")
    app.setup_extension("techblog.untranslated")
    app.setup_extension("techblog.partial_html")
    app.setup_extension("techblog.transform_gates")
    wrap_once(pst_edit, "jinja2", lambda original: _CompiledOnce())
    wrap_once(pst_utils, "_update_and_remove_templates", _skip_never_empty)
    # After pydata-sphinx-theme's add_toctree_functions (priority 500).
    app.connect("html-page-context", _share_navigation, priority=600)
    wrap_once(sphinx_html, "_file_checksum", functools.cache)
    wrap_once(docutils.nodes, "make_id", functools.lru_cache(maxsize=8192))
    wrap_once(related, "related", _indexed_related)
    app.connect("builder-inited", _exit_fast_when_done)
    # The theme connects its handlers when the builder is made, after conf.py's extensions.
    app.connect("builder-inited", _swap_book_theme_handlers)
    replace_listener(app, "html-collect-pages", feeds._write_feeds, _write_feeds)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
