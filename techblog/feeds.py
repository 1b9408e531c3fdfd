"""Atom feeds: the whole blog, and one per category, tag and author.

Replaces ablog's feed writer (see ablog_compat).  Each feed holds the newest
``techblog_feed_length`` posts in full text with absolute links, every author of
a post, dates in Japan time, ids that do not change when a post moves, and an
``<updated>`` that is its newest entry's, so the same sources give the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
from ablog.blog import Blog
from feedgen.feed import FeedGenerator
from sphinx.application import Sphinx

from . import jst

FEED_FILE = "atom.xml"


def feed_docname(collection_path: str | None, blog_path: str) -> str:
    """The feed of a listing page (``blog/tag/sre`` -> ``blog/tag/sre/atom.xml``)."""
    return f"{collection_path or blog_path}/{FEED_FILE}"


def _absolute(html: str, page_url: str) -> str:
    if not html.strip():
        return html
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    fragment.make_links_absolute(page_url, resolve_base_href=False)
    return "".join(lxml.html.tostring(child, encoding="unicode") for child in fragment) if len(fragment) else html


class FeedWriter:
    def __init__(self, app: Sphinx):
        self.app = app
        self.blog = Blog(app)
        self.base_url = app.config.html_baseurl
        self.length = app.config.techblog_feed_length
        self._html: dict[str, str] = {}

    def url(self, docname: str) -> str:
        return urljoin(self.base_url, self.app.builder.get_target_uri(docname))

    def entry_id(self, post) -> str:
        """``tag:`` URI from the host, the publication date and the first URL the post had."""
        meta = self.app._techblog_catalog.all.get(post.docname)
        first_path = meta.redirect_from[0] if meta and meta.redirect_from else self.app.builder.get_target_uri(post.docname)
        host = urlsplit(self.base_url).hostname or "localhost"
        return f"tag:{host},{jst.to_jst(post.date):%Y-%m-%d}:/{first_path}"

    def content(self, post) -> str:
        if post.docname not in self._html:
            html = post.to_html(post.docname, fulltext=True, img_url=True)
            self._html[post.docname] = _absolute(html, self.url(post.docname))
        return self._html[post.docname]

    def write(self, posts, docname: str, title: str, page_docname: str) -> None:
        posts = sorted(posts, key=lambda p: (p.date, p.docname), reverse=True)[: self.length]
        if not posts:
            return
        feed_url = urljoin(self.base_url, docname)
        feed = FeedGenerator()
        feed.id(feed_url)
        feed.title(title)
        feed.subtitle(self.app.config.techblog_site.get("tagline") or title)
        feed.link(href=self.url(page_docname), rel="alternate")
        feed.link(href=feed_url, rel="self")
        feed.language("ja")
        feed.generator("techblog")
        updated = max(jst.to_jst(p.update or p.date) for p in posts)
        feed.updated(updated)
        catalog = self.app._techblog_catalog
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
                entry.category({"term": collection.name, "scheme": self.url(collection.docname)})
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
    writer = FeedWriter(app)
    for posts, docname, title, page in feeds(app):
        writer.write(posts, docname, title, page)
    yield from ()


def _autodiscovery(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.format != "html":
        return
    blog = Blog(app)
    links = [(feed_docname(None, blog.blog_path), app.config.techblog_site["title"])]
    collection = context.get("collection")
    if collection is not None and getattr(collection, "docname", None) != blog.posts.docname and len(collection):
        links.append((feed_docname(collection.docname, blog.blog_path), f"{collection.name} の新着記事"))
    base = context.get("pathto")
    tags = "".join(
        f'<link rel="alternate" type="application/atom+xml" title="{_attr(title)}" href="{base(href, 1)}">\n'
        for href, title in links
    )
    context["metatags"] = context.get("metatags", "") + tags


def _attr(text: str) -> str:
    return str(text).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.ablog_compat")
    app.add_config_value("techblog_feed_length", 20, "html", types=[int])
    app.connect("html-collect-pages", _write_feeds, priority=900)
    app.connect("html-page-context", _autodiscovery)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
