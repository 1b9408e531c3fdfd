"""Link previews and search snippets: OGP, Twitter cards and the meta description.

Written here rather than with sphinxext-opengraph: posts need ``article:*``
tags, the authors and the reading time (Slack shows ``twitter:label1/data1``),
descriptions from front matter, and a Japanese share image (see shareimage).
Every page gets a description, ``og:*`` and ``twitter:card``; the canonical URL
is Sphinx's own ``<link rel="canonical">`` (from ``html_baseurl``).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

from ablog.blog import Blog
from docutils import nodes
from sphinx.application import Sphinx

from techblog import metadata
from techblog.content import jst, posts, registries
from techblog.distribution import shareimage
from techblog.reader import reading
from techblog.reader.pages import page_suffix

DESCRIPTION_LENGTH = 120


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plain(markup: str) -> str:
    """Sphinx's page titles are HTML; previews want text."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup or "")).strip()


def _first_paragraph(doctree) -> str:
    if doctree is None:
        return ""
    for paragraph in doctree.findall(nodes.paragraph):
        text = paragraph.astext().strip()
        if text:
            return text
    return ""


def description(app: Sphinx, pagename: str, context: dict, doctree) -> str:
    site = app.config.techblog_site
    meta = posts.of(app).all.get(pagename)
    if meta is not None:
        if meta.description:
            return meta.description
        post = Blog(app).posts[pagename] if pagename in Blog(app).posts else None
        excerpt = "".join(node.astext() for node in getattr(post, "excerpt", None) or [])
        return excerpt or _first_paragraph(doctree) or meta.title
    collection = context.get("collection")
    if collection is not None:
        # Page 2 and on of a listing: the same text would be a duplicate description to search engines.
        suffix = page_suffix(context.get("tb_page"))
        entry = getattr(collection, "entry", None)
        if entry is not None and entry.description:
            return entry.description + suffix
        title = plain(context.get("title", "")).removesuffix(suffix)
        return f"{site['title']}の{title or collection.name}の一覧です。{suffix}"
    if context.get("catalog") is not None:
        return f"{site['title']}の{plain(context.get('title', ''))}です。"
    series = (context.get("tb_series") or {}).get("entry")
    if series is not None:
        return series.description or f"{site['title']}の連載「{series.label}」の記事の一覧です。"
    return _first_paragraph(doctree) or site.get("tagline") or site["title"]


def _x_handle(site: dict) -> str | None:
    url = (site.get("social") or {}).get("x")
    handle = urlsplit(url).path.strip("/").split("/")[0] if url else ""
    return f"@{handle}" if handle else None


def tags(app: Sphinx, pagename: str, context: dict, doctree) -> list[tuple[str, str, str]]:
    """(attribute, name, content) of every meta tag of the page."""
    site = app.config.techblog_site
    base = app.config.html_baseurl
    meta = posts.of(app).all.get(pagename)
    url = context.get("pageurl") or urljoin(base, app.builder.get_target_uri(pagename))
    title = meta.title if meta is not None else plain(context.get("title", "")) or site["title"]
    if pagename == app.config.root_doc:
        title = site["title"]
    text = shorten(description(app, pagename, context, doctree))
    image = shareimage.image_docpath(meta) if meta is not None else shareimage.SITE_CARD
    result = [
        ("name", "description", text),
        ("property", "og:site_name", site["title"]),
        ("property", "og:locale", "ja_JP"),
        ("property", "og:title", title),
        ("property", "og:description", text),
        ("property", "og:url", url),
        ("property", "og:image", urljoin(base, image)),
    ]
    if meta is None or not meta.image:
        result += [("property", "og:image:width", str(shareimage.WIDTH)), ("property", "og:image:height", str(shareimage.HEIGHT))]
    result += [("property", "og:image:alt", title), ("property", "og:type", "article" if meta is not None else "website")]
    result += [("name", "twitter:card", "summary_large_image")]
    if handle := _x_handle(site):
        result.append(("name", "twitter:site", handle))
    if meta is not None:
        result += _article(app, meta, doctree)
    return result


def _article(app: Sphinx, meta, doctree) -> list[tuple[str, str, str]]:
    base = app.config.html_baseurl
    regs = registries.of(app)
    blog = Blog(app)
    result = [("property", "article:published_time", jst.to_jst(meta.date).isoformat())]
    if meta.updated:
        result.append(("property", "article:modified_time", jst.to_jst(meta.updated).isoformat()))
    for author in meta.authors:
        result.append(("property", "article:author", urljoin(base, app.builder.get_target_uri(blog.author[author].docname))))
    if meta.category and (category := regs.categories.get(meta.category)):
        result.append(("property", "article:section", category.label))
    for tag in meta.tags:
        if entry := regs.tags.get(tag):
            result.append(("property", "article:tag", entry.label))
    names = "、".join(shareimage.author_names(app, meta))
    time = reading.of(app, meta.docname)
    result += [
        ("name", "twitter:label1", "執筆者"),
        ("name", "twitter:data1", names),
        ("name", "twitter:label2", "読了時間"),
        ("name", "twitter:data2", time.label if time else ""),
    ]
    return result


def _add_tags(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.format != "html":
        return
    markup = "".join(
        f'<meta {attr}="{html.escape(name)}" content="{html.escape(content)}">\n'
        for attr, name, content in tags(app, pagename, context, doctree)
    )
    context["metatags"] = context.get("metatags", "") + markup


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.content.posts")
    app.setup_extension("techblog.reader.reading")
    app.setup_extension("techblog.distribution.shareimage")
    app.connect("html-page-context", _add_tags)
    return metadata()
