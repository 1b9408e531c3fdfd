"""Findability: sitemap.xml, robots.txt, the 404 page and redirects of moved posts.

- ``sitemap.xml`` lists every published page (posts, every page of each listing, docs) and
  nothing else: no search, index, 404 or drafts page, no redirect stub.  It is
  written here rather than with sphinx-sitemap 2.9, which lists pages in the
  order parallel workers finish, adds ``hreflang`` links for every folder of
  ``locales/`` (our Japanese UI catalog would announce a ``/ja/`` site that
  does not exist) and starts a multiprocessing manager on every build.
- The 404 page is sphinx-notfound-page's, with its URLs rooted at the path of
  ``html_baseurl`` so it works at any depth.
- ``redirect_from`` in a post's front matter becomes a redirect page written by
  sphinx-reredirects; an old URL that is also a page of the site, or claimed by
  two posts, is a writer's error.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.sax.saxutils import escape

from ablog.blog import Blog
from sphinx.application import Sphinx

from techblog import metadata
from techblog.content import jst, posts
from techblog.core.files import write_if_changed
from techblog.core.perbuild import PerBuild
from techblog.core.problems import Problem, report
from techblog.reader import listings
from techblog.safety import csp

SITEMAP = "sitemap.xml"
NOT_FOUND = "404"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
REDIRECT_TEMPLATE = Path(__file__).parent / "templates" / "redirect.html"


def _configure(app: Sphinx, config) -> None:
    config.notfound_urls_prefix = urlsplit(config.html_baseurl).path or "/"
    config.notfound_pagename = NOT_FOUND
    config.notfound_context = {
        "title": "ページが見つかりません",
        "body": "<h1>ページが見つかりません</h1>\n"
        "<p>お探しのページは移動したか、削除された可能性があります。URL をご確認ください。</p>\n"
        f'<p><a href="{config.notfound_urls_prefix}">トップページへ戻る</a>'
        f'　<a href="{config.notfound_urls_prefix}search.html">サイト内を検索する</a></p>\n',
    }
    config.redirect_html_template_file = str(_redirect_template(app, config.notfound_urls_prefix))


def _redirect_template(app: Sphinx, prefix: str) -> Path:
    """The redirect page's template with the site's path filled in: its script is a file under
    ``_static`` (no inline script, techblog.safety.csp), found from any folder by its absolute path."""
    text = REDIRECT_TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("@STATIC@", prefix.rstrip("/") + "/_static").replace("@CSP@", csp.policy())
    text = text.replace("@REFERRER@", csp.REFERRER)
    path = Path(app.doctreedir) / "techblog-redirect.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


# -- redirects ------------------------------------------------------------------

def old_page(path: str) -> str:
    """The file a ``redirect_from`` path is served from (``old/`` -> ``old/index.html``)."""
    path = path.strip().lstrip("/")
    if path.endswith("/") or not path:
        return path + "index.html"
    return path if path.endswith(".html") else path + ".html"


def _site_pages(app: Sphinx) -> set[str]:
    blog = Blog(app)
    docnames = set(app.env.found_docs) | {blog.posts.docname} | listings.listing_docnames(app)
    for catalog in blog.catalogs.values():
        docnames.add(catalog.docname)
        docnames.update(collection.docname for collection in catalog)
    return {app.builder.get_target_uri(d) for d in docnames}


def _set_redirects(app: Sphinx) -> list:
    """Runs before sphinx-reredirects writes the redirect pages (a plain function:
    a generator would run only after every handler of the event was called)."""
    if app.builder.format != "html":
        return []
    pages = _site_pages(app)
    claimed: dict[str, str] = {}
    redirects: dict[str, str] = {}
    for meta in sorted(posts.of(app).built().values(), key=lambda m: m.path):
        target = "/" + app.builder.get_target_uri(meta.docname)
        for old in meta.redirect_from:
            page = old_page(old)
            if page in pages:
                report(app, Problem(meta.path, 0, f"redirect_from「{old}」はこのサイトに今あるページです。"
                                    "転送するとそのページが消えるので、redirect_from から外してください"))
            elif page in claimed:
                report(app, Problem(meta.path, 0, f"redirect_from「{old}」は {claimed[page]} にも書かれています。"
                                    "どちらか一方にしてください"))
            else:
                claimed[page] = meta.path
                redirects[page] = target
    app.config.redirects = redirects
    return []


# -- sitemap and robots.txt -----------------------------------------------------

_pages_seen: PerBuild[set[str]] = PerBuild(set)


def note_page(app: Sphinx, pagename: str) -> None:
    """A page of the site this build did not write again (its file is still this build's)."""
    _pages_seen(app).add(pagename)


def _record_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    _pages_seen(app).add(pagename)


def _ablog_pages(app: Sphinx) -> set[str]:
    """The listing pages ablog writes (``ablog.post.generate_archive_pages``), every page of each.

    An incremental build does not write them again when no listing changed
    (techblog.compat.incremental), so they are named here rather than seen written.
    """
    blog = Blog(app)
    pages = {blog.posts.docname} | listings.listing_docnames(app)
    for catalog in (blog.author, blog.location, blog.language, blog.category, blog.archive, blog.tags):
        if catalog:
            pages.add(catalog.docname)
            pages.update(collection.docname for collection in catalog if collection)
    return pages


def sitemap_pages(app: Sphinx) -> list[str]:
    """Docnames of the published pages: every document, every generated listing."""
    blog = Blog(app)
    left_out = {"genindex", "search", "py-modindex", NOT_FOUND, blog.drafts.docname}
    pages = set(app.env.found_docs) | _ablog_pages(app) | _pages_seen(app)
    return sorted(pages - left_out)


def absolute_url(base: str, uri: str) -> str:
    """``urljoin(base, uri)``; a plain relative path under a base ending in "/" is joined without parsing."""
    if (base.endswith("/") and "?" not in base and "#" not in base and uri and not uri.startswith(("/", "."))
            and not any(c in uri for c in ":?#\\") and "/." not in uri):
        return base + uri
    return urljoin(base, uri)


def sitemap_xml(app: Sphinx) -> bytes:
    """The sitemap, written as text (ElementTree's tree and indent took most of 0.2 s at 5,000 posts)."""
    base = app.config.html_baseurl
    catalog = posts.of(app)
    urls = []
    for pagename in sitemap_pages(app):
        meta = catalog.all.get(pagename)
        lastmod = jst.to_jst(meta.updated or meta.date).isoformat() if meta is not None else None
        urls.append((absolute_url(base, app.builder.get_target_uri(pagename)), lastmod))
    lines = ["<?xml version='1.0' encoding='utf-8'?>", f'<urlset xmlns="{SITEMAP_NS}">']
    for loc, lastmod in sorted(urls, key=lambda url: (url[0], url[1] or "")):
        lines += ["  <url>", f"    <loc>{escape(loc)}</loc>"]
        if lastmod:
            lines.append(f"    <lastmod>{escape(lastmod)}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots_txt(app: Sphinx) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urljoin(app.config.html_baseurl, SITEMAP)}\n"


def _write_sitemap(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html" or app.builder.name in ("json", "pickle"):
        return
    out = Path(app.builder.outdir)
    write_if_changed(out / SITEMAP, sitemap_xml(app))
    write_if_changed(out / "robots.txt", robots_txt(app).encode("utf-8"))


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.content.posts")
    app.setup_extension("techblog.compat.ablog")
    app.setup_extension("notfound.extension")
    app.setup_extension("sphinx_reredirects")
    app.connect("config-inited", _configure, priority=600)
    app.connect("html-collect-pages", _set_redirects, priority=100)
    app.connect("html-page-context", _record_page)
    app.connect("build-finished", _write_sitemap)
    return metadata()
