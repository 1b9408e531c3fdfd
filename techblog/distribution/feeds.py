"""Atom feeds: the whole blog, and one per category, tag and author.

Replaces ablog's feed writer (see techblog.compat.ablog).  Each feed holds the newest
``techblog_feed_length`` posts in full text with absolute links, every author of
a post, dates in Japan time, ids that do not change when a post moves, and an
``<updated>`` that is its newest entry's, so the same sources give the same bytes.
"""

from __future__ import annotations

from html import escape as html_escape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
from ablog.blog import Blog
from feedgen.feed import FeedGenerator
from sphinx.application import Sphinx

from techblog import metadata
from techblog.content import jst
from techblog.content import posts as post_catalog
from techblog.core.perbuild import PerBuild

FEED_FILE = "atom.xml"


def feed_docname(collection_path: str | None, blog_path: str) -> str:
    """The feed of a listing page (``blog/tag/sre`` -> ``blog/tag/sre/atom.xml``)."""
    return f"{collection_path or blog_path}/{FEED_FILE}"


def _absolute(html: str, page_url: str) -> str:
    if not html.strip():
        return html
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    fragment.make_links_absolute(page_url, resolve_base_href=False)
    text = html_escape(fragment.text or "", quote=False)
    return text + "".join(lxml.html.tostring(child, encoding="unicode") for child in fragment)


def id_prefix(app: Sphinx) -> str | None:
    """The fixed start of every feed and entry id (``techblog_site["feed_id"]``).

    Ids must not change when the blog moves host or is built on a preview URL,
    so they are not made from ``base_url``.
    """
    prefix = app.config.techblog_site.get("feed_id")
    return prefix if prefix else None


class FeedWriter:
    def __init__(self, app: Sphinx):
        self.app = app
        self.blog = Blog(app)
        self.base_url = app.config.html_baseurl
        self.length = app.config.techblog_feed_length
        self._html: dict[str, str] = {}
        self._urls: dict[str, str] = {}

    def url(self, docname: str) -> str:
        if docname not in self._urls:
            self._urls[docname] = urljoin(self.base_url, self.app.builder.get_target_uri(docname))
        return self._urls[docname]

    def entry_id(self, post) -> str:
        """``tag:`` URI (RFC 4151) naming the first URL the post had.

        With ``feed_id`` set the id is that prefix and the path, so it survives
        a new host and a corrected date; without it, the host of ``base_url``
        and the publication date stand in.
        """
        meta = post_catalog.of(self.app).all.get(post.docname)
        first_path = meta.redirect_from[0] if meta and meta.redirect_from else self.app.builder.get_target_uri(post.docname)
        prefix = id_prefix(self.app)
        if prefix:
            return prefix + first_path
        host = urlsplit(self.base_url).hostname or "localhost"
        return f"tag:{host},{jst.to_jst(post.date):%Y-%m-%d}:/{first_path}"

    def feed_id(self, docname: str) -> str:
        prefix = id_prefix(self.app)
        return prefix + docname if prefix else urljoin(self.base_url, docname)

    def content(self, post) -> str:
        if post.docname not in self._html:
            self._html[post.docname] = _absolute(self.post_html(post), self.url(post.docname))
        return self._html[post.docname]

    def post_html(self, post) -> str:
        """The post's full text as ablog renders it (from its doctree, loaded when it was let go)."""
        if post.doctree is not None:
            return post.to_html(post.docname, fulltext=True, img_url=True)
        post.doctree = self.app.env.get_doctree(post.docname)
        try:
            return post.to_html(post.docname, fulltext=True, img_url=True)
        finally:
            post.doctree = None

    def entries(self, posts) -> list:
        """The posts a feed carries: the newest ``techblog_feed_length``."""
        return sorted(posts, key=lambda p: (p.date, p.docname), reverse=True)[: self.length]

    def write(self, posts, docname: str, title: str, page_docname: str) -> None:
        posts = self.entries(posts)
        if not posts:
            return
        feed_url = urljoin(self.base_url, docname)
        feed = FeedGenerator()
        feed.id(self.feed_id(docname))
        feed.title(title)
        feed.subtitle(self.app.config.techblog_site.get("tagline") or title)
        feed.link(href=self.url(page_docname), rel="alternate")
        feed.link(href=feed_url, rel="self")
        feed.language("ja")
        feed.generator("techblog")
        updated = max(jst.to_jst(p.update or p.date) for p in posts)
        feed.updated(updated)
        catalog = post_catalog.of(self.app)
        for post in posts:
            meta = catalog.all.get(post.docname)
            entry = feed.add_entry(order="append")
            entry.id(self.entry_id(post))
            entry.title(post.title)
            entry.link(href=self.url(post.docname), rel="alternate")
            entry.published(jst.to_jst(post.date))
            entry.updated(jst.to_jst(post.update or post.date))
            for author in post.author:
                entry.author({"name": author.name, "uri": self.url(author.docname)})
            for collection in list(post.category) + list(post.tags):
                # The scheme names the vocabulary (the list of all categories
                # or tags), not the category itself (RFC 4287 4.2.2.2).
                scheme = self.url(collection.catalog.docname)
                entry.category({"term": collection.name, "label": collection.name, "scheme": scheme})
            summary = (meta.description if meta and meta.description else
                       "".join(p.astext() for p in post.excerpt)).strip()
            if summary:
                entry.summary(summary)
            entry.content(self.content(post), type="html")
        out = Path(self.app.builder.outdir, docname)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(feed.atom_str(pretty=True))


def feeds(app: Sphinx) -> list[tuple[object, str, str, str]]:
    """(posts, feed docname, title, listing page docname) of every feed of the site."""
    blog = Blog(app)
    site_title = app.config.techblog_site["title"]
    result = [(list(blog.posts), feed_docname(None, blog.blog_path), site_title, blog.posts.docname)]
    for catalog, noun in ((blog.category, "カテゴリ"), (blog.tags, "タグ"), (blog.author, "著者")):
        for collection in catalog:
            if len(collection):
                result.append((list(collection), feed_docname(collection.docname, blog.blog_path),
                               f"{site_title}（{noun}: {collection.name}）", collection.docname))
    return result


def _write_feeds(app: Sphinx):
    if app.builder.format != "html" or app.builder.name in ("json", "pickle"):
        return
    every = feeds(app)
    # ``techblog-write-feeds`` lets a handler write them instead (techblog.speedups.feed_cache).
    if not app.emit_firstresult("techblog-write-feeds", every):
        writer = FeedWriter(app)
        for listed, docname, title, page in every:
            writer.write(listed, docname, title, page)
    yield from ()


_feed_pages: PerBuild[dict[str, tuple[str, str]]] = PerBuild()


def _feed_of_page(app: Sphinx) -> dict[str, tuple[str, str]]:
    """Listing page docname -> (feed docname, title), for the feeds that are written."""
    if _feed_pages.get(app) is None:
        _feed_pages.set(app, {page: (docname, title) for _posts, docname, title, page in feeds(app)})
    return _feed_pages(app)


def _autodiscovery(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.format != "html":
        return
    blog = Blog(app)
    links = [(feed_docname(None, blog.blog_path), app.config.techblog_site["title"])]
    collection = context.get("collection")
    # Only collections that have a feed: year archives and empty tags have none.
    own = _feed_of_page(app).get(getattr(collection, "docname", None)) if collection is not None else None
    if own and own[0] != links[0][0]:
        links.append((own[0], f"{collection.name} の新着記事"))
    base = context.get("pathto")
    tags = "".join(
        f'<link rel="alternate" type="application/atom+xml" title="{_attr(title)}" href="{base(href, 1)}">\n'
        for href, title in links
    )
    context["metatags"] = context.get("metatags", "") + tags
    # ablog's page.html announces its own feed (English title, the site feed on
    # tag pages); with ``feed_path`` empty it announces none.
    context["feed_path"] = None


def _attr(text: str) -> str:
    return str(text).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.compat.ablog")
    app.add_config_value("techblog_feed_length", 20, "html", types=[int])
    app.add_event("techblog-write-feeds")
    app.connect("html-collect-pages", _write_feeds, priority=900)
    app.connect("html-page-context", _autodiscovery, priority=900)
    return metadata()
