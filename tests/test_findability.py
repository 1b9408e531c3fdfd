"""sitemap.xml, robots.txt, the 404 page at any depth, and redirects of moved posts."""

from __future__ import annotations

import functools
import http.server
import threading
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from techblog.distribution import findability

from .browser import screenshot
from .feedcheck import JST_DATE
from .sitebuild import make_site, post, sphinx_build

BASE = "https://tech.minato-cloud.example/"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
NOT_LISTED = {"genindex.html", "search.html", "404.html", "blog/drafts.html"}


def sitemap(build) -> dict[str, str | None]:
    root = etree.parse(str(build.out / "sitemap.xml"), etree.XMLParser(recover=False)).getroot()
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    entries = {}
    for url in root.findall("s:url", SITEMAP_NS):
        loc = url.findtext("s:loc", namespaces=SITEMAP_NS)
        assert loc not in entries, f"{loc} listed twice"
        entries[loc] = url.findtext("s:lastmod", namespaces=SITEMAP_NS)
    return entries


def test_sitemap_lists_every_published_page_and_nothing_else(sample):
    listed = sitemap(sample)
    pages = []
    for page in sample.files():
        if not page.endswith(".html") or page in NOT_LISTED or page.startswith("_static/"):
            continue
        if 'http-equiv="refresh"' in sample.html(page):
            continue  # a redirect stub
        pages.append(page)
    assert sorted(listed) == sorted(BASE + p for p in pages)
    for must in ("index.html", "blog.html", "blog/tag/sre.html", "blog/author/tanaka.html", "blog/category/tech.html",
                 "docs/writers-guide/index.html", "posts/2025/sre-study-group-1-report.html"):
        assert BASE + must in listed, must
    for never in NOT_LISTED | {"blog/2025/nginx-keepalive.html", "posts/2026/ipv6-dual-stack-plan.html"}:
        assert BASE + never not in listed, never
    # Each URL is the canonical URL of its page.
    for loc in listed:
        soup = BeautifulSoup(sample.html(loc[len(BASE):]), "html.parser")
        assert soup.select_one('link[rel="canonical"]')["href"] == loc
    # Posts carry their last change in Japan time; other pages no date at all.
    assert listed[BASE + "posts/2025/sre-study-group-1-report.html"] == "2025-12-03T18:00:00+09:00"
    assert all(JST_DATE.match(v) for k, v in listed.items() if "/posts/" in k)
    assert all(v is None for k, v in listed.items() if "/posts/" not in k)
    assert sum("/posts/" in k for k in listed) == sum(p.startswith("posts/") for p in pages) >= 10


def test_robots_txt_points_to_the_sitemap(sample):
    robots = (sample.out / "robots.txt").read_text(encoding="utf-8")
    assert robots.splitlines() == ["User-agent: *", "Allow: /", "", f"Sitemap: {BASE}sitemap.xml"]


def test_404_page_uses_absolute_urls(sample):
    soup = BeautifulSoup(sample.html("404.html"), "html.parser")
    assert soup.title.get_text().startswith("ページが見つかりません")
    assert "お探しのページは移動したか" in soup.get_text()
    for tag, attr in (("link", "href"), ("script", "src"), ("a", "href"), ("img", "src")):
        for el in soup.find_all(tag):
            url = el.get(attr)
            if url and not url.startswith(("#", "https://", "http://", "data:", "mailto:")):
                assert url.startswith("/"), f"404.html: relative {tag} {url!r} breaks below the root"


def test_redirect_stub_of_a_moved_post(sample):
    html = sample.html("blog/2025/nginx-keepalive.html")
    target = "../../posts/2025/nginx-upstream-keepalive.html"
    assert f'<link rel="canonical" href="{target}">' in html
    assert f'url={target}"' in html and "noindex" in html
    assert (sample.out / "blog/2025" / target).resolve().is_file()


def test_redirect_from_a_live_page_or_twice_is_an_error(tmp_path):
    site = make_site(tmp_path / "site", {
        "posts/2026/a.md": post(extra="redirect_from: [posts/2026/b.html, old/same.html]", h1="記事A"),
        "posts/2026/b.md": post(extra="redirect_from: [old/same]", h1="記事B"),
    })
    build = sphinx_build(site, tmp_path / "out")
    assert build.returncode != 0
    assert "posts/2026/a.md:1: ERROR: redirect_from「posts/2026/b.html」はこのサイトに今あるページです。" in build.output
    assert "posts/2026/b.md:1: ERROR: redirect_from「old/same」は posts/2026/a.md にも書かれています。" in build.output
    assert "Traceback" not in build.output
    # The live page was not replaced by a redirect.
    assert "記事B" in build.html("posts/2026/b.html")


class _NotFoundHandler(http.server.SimpleHTTPRequestHandler):
    """Static hosting as production does it: a missing path gets /404.html with status 404."""

    def log_message(self, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (self.directory_path / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="module")
def hosted(sample):
    handler = functools.partial(_NotFoundHandler, directory=str(sample.out))
    _NotFoundHandler.directory_path = sample.out
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.browser
@pytest.mark.parametrize("missing", ["nothing-here.html", "posts/2031/deep/nested/missing.html"])
def test_404_page_works_at_any_depth(browser, hosted, missing):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    failed = []
    page.on("response", lambda r: r.status >= 400 and r.url != hosted + missing and failed.append(r.url))
    response = page.goto(hosted + missing)
    assert response.status == 404
    assert page.locator("article h1").inner_text() == "ページが見つかりません"
    assert failed == [], "stylesheets or scripts of the 404 page did not load"
    # The theme's stylesheet applied: the page is laid out, not bare HTML.
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
    assert page.locator(".bd-header, header").count() > 0
    screenshot(page, f"404-{missing.count('/')}")
    page.get_by_role("link", name="トップページへ戻る").click()
    page.wait_for_load_state()
    assert page.url == hosted
    context.close()


@pytest.mark.browser
def test_old_url_of_a_moved_post_redirects(browser, hosted):
    context = browser.new_context()
    page = context.new_page()
    page.goto(hosted + "blog/2025/nginx-keepalive.html#症状")
    page.wait_for_url("**/posts/2025/nginx-upstream-keepalive.html*")
    assert page.url.startswith(hosted + "posts/2025/nginx-upstream-keepalive.html#")
    assert "nginx" in page.title()
    context.close()


@pytest.mark.parametrize("base", ["https://tech.example.jp/", "https://tech.example.jp/blog/", "https://tech.example.jp",
                                  "https://tech.example.jp/?q=1/", ""])
@pytest.mark.parametrize("uri", ["index.html", "blog/tag/aws/page/2.html", "posts/2026/移行.html", "../x.html",
                                 "./a.html", "a/./b.html", "a/../b.html", "/abs.html", "https://other.example/x.html",
                                 "a.html?x=1", "a.html#top", "", "C:\\\\x.html"])
def test_absolute_urls_of_the_sitemap_are_urljoins(base, uri):
    assert findability.absolute_url(base, uri) == urljoin(base, uri)
