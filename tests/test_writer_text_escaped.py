"""Everything a writer supplies is shown as text: page, listings, feeds, link-preview tags, search results.

And pages load nothing from another origin, so the host can set a strict Content-Security-Policy.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from .browser import PageWatch, StaticServer
from .sitebuild import build_here, make_site, post

TITLE = "<img src=x onerror=alert(1)>"
DESCRIPTION = "<script>alert(2)</script> の説明"
TAG_LABEL = "<b onmouseover=alert(3)>タグ</b>"
AUTHOR = "<svg onload=alert(4)>"
REGISTRIES = {
    "tags": f"危険:\n  label: '{TAG_LABEL}'\n  slug: danger\n障害対応:\n  label: 障害対応\n  slug: incident-response\n",
    "authors": f"tanaka:\n  name: '{AUTHOR}'\n  bio: SRE です。\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("escaping")
    posts = {
        "posts/2026/xss.md": post(title=f"'{TITLE}'", h1=None, tags="[危険]", extra=f"description: '{DESCRIPTION}'", body="本文です。\n"),
        "posts/2026/plain.md": post(h1="普通の記事", date="2026-01-05 10:00"),
    }
    build = build_here(make_site(root / "site", posts, registries=REGISTRIES), root / "out")
    assert build.returncode == 0, build.output
    return build


def _injected(html: str) -> list[str]:
    """Elements or attributes that writer text would have created, had it been taken as markup."""
    soup = BeautifulSoup(html, "html.parser")
    found = [str(tag)[:80] for tag in soup.find_all(True)
             if any(a.startswith("on") and "alert(" in str(v) for a, v in tag.attrs.items())]
    found += [str(s)[:80] for s in soup.find_all("script") if "alert(" in (s.string or "")]
    return found


def test_no_page_or_feed_contains_writer_markup(site):
    pages = [f for f in site.files() if f.endswith(".html")]
    assert len(pages) > 5
    for page in pages:
        assert _injected(site.html(page)) == [], page


def test_post_page_shows_title_and_description_as_text(site):
    soup = BeautifulSoup(site.html("posts/2026/xss.html"), "html.parser")
    assert soup.find("h1").get_text().strip().startswith(TITLE)
    assert TITLE in soup.title.get_text()
    previews = {m.get("property") or m.get("name"): m.get("content") for m in soup.find_all("meta")}
    assert TITLE in previews.get("og:title", ""), previews  # link-preview tags hold the text, not markup
    assert DESCRIPTION in previews.get("og:description", ""), previews
    assert DESCRIPTION in previews.get("description", ""), previews


@pytest.mark.parametrize("page", ["index.html", "blog.html", "blog/tag/danger.html", "blog/author/tanaka.html", "blog/category/tech.html"])
def test_listings_show_writer_text_as_text(site, page):
    assert site.exists(page), site.files()
    text = BeautifulSoup(site.html(page), "html.parser").get_text()
    assert TITLE in text


def test_tag_and_author_labels_are_text(site):
    text = BeautifulSoup(site.html("posts/2026/xss.html"), "html.parser").get_text()
    assert TAG_LABEL in text
    assert AUTHOR in text


@pytest.mark.parametrize("feed", ["blog/atom.xml", "blog/tag/danger/atom.xml", "blog/author/tanaka/atom.xml"])
def test_feeds_carry_writer_text_as_text(site, feed):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    tree = etree.fromstring((site.out / feed).read_bytes())
    entry = next(e for e in tree.findall("a:entry", ns) if e.findtext("a:title", namespaces=ns) == TITLE)
    assert entry.findtext("a:summary", namespaces=ns) == DESCRIPTION
    assert AUTHOR in [a.findtext("a:name", namespaces=ns) for a in entry.findall("a:author", ns)]
    assert _injected(entry.findtext("a:content", namespaces=ns) or "") == []


def test_search_index_holds_the_title_as_data(site):
    docs = [json.loads((site.out / f).read_text(encoding="utf-8")) for f in site.files() if f.startswith("_search/doc/")]
    assert TITLE in [doc.get("t") for doc in docs]


@pytest.mark.browser
def test_search_results_show_the_title_as_text(site, browser):
    server = StaticServer(site.out)
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    watch = PageWatch(origin=server.url.rstrip("/"))
    watch.attach(page)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(server.url + "search.html?q=onerror")
        link = page.locator("#search-results a", has_text="onerror").first
        link.wait_for(timeout=15000)
        assert link.inner_text().strip() == TITLE
        assert page.locator("#search-results img").count() == 0
        page.wait_for_timeout(500)
        assert dialogs == []
        assert watch.foreign_requests == []
    finally:
        context.close()
        server.close()


# -- Nothing from another origin (a strict CSP can be set) --------------------------------

LOADING = {"script": "src", "link": "href", "img": "src", "iframe": "src", "frame": "src", "embed": "src",
           "object": "data", "source": "src", "video": "src", "audio": "src", "track": "src", "input": "src"}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I)


def _foreign(url: str, own_host: str) -> bool:
    parts = urlsplit(url.strip())
    return bool(parts.netloc) and parts.hostname != own_host


def test_pages_load_nothing_from_other_origins(sample):
    own = "tech.minato-cloud.example"
    problems = []
    for page in (f for f in sample.files() if f.endswith(".html")):
        soup = BeautifulSoup(sample.html(page), "html.parser")
        for tag, attribute in LOADING.items():
            for element in soup.find_all(tag):
                if tag == "link" and not set(element.get("rel") or []) & {"stylesheet", "preload", "modulepreload", "icon", "prefetch", "manifest"}:
                    continue  # canonical, alternate and the like are links, not loads
                url = element.get(attribute) or ""
                if _foreign(url, own):
                    problems.append(f"{page}: <{tag} {attribute}={url}>")
        for style in soup.find_all("style"):
            problems += [f"{page}: <style> {u}" for u in CSS_URL.findall(style.get_text()) if _foreign(u, own)]
        for element in soup.find_all(style=True):
            problems += [f"{page}: style= {u}" for u in CSS_URL.findall(element["style"]) if _foreign(u, own)]
    for css in (f for f in sample.files() if f.endswith(".css")):
        text = (sample.out / css).read_text(encoding="utf-8", errors="replace")
        problems += [f"{css}: {u}" for u in CSS_URL.findall(text) if _foreign(u, own)]
    assert problems == []
