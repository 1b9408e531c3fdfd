"""Listings in pages: boundaries, stable URLs, prev/next, the pager, the total, the sitemap, the archive.

A small site with a page size of 2 (``-D techblog_listing_page_size=2``): five
published posts, each in every listing (all posts, 2026, a tag, a category, an
author), so each listing has three pages and the last shows one post.
"""

from __future__ import annotations

import re

import jinja2
import pytest
from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup

from .browser import StaticServer, reader, screenshot
from .sitebuild import ROOT, make_site, post, sphinx_build
from .test_incremental import NOW

BASE = "https://tech.minato-cloud.example/"
SIZE = ("-D", "techblog_listing_page_size=2")
EVERYWHERE = {"tags": "[PostgreSQL]", "author": "tanaka", "category": "tech"}
POSTS = {
    **{f"posts/2026/p{n}.md": post(date=f"2026-0{n}-10 10:00", h1=f"記事 {n}", **EVERYWHERE) for n in (1, 3, 5)},
    **{f"posts/2026/p{n}.md": post(date=f"2026-0{n}-10 10:00", h1=f"記事 {n}", **{**EVERYWHERE, "tags": "[PostgreSQL, 障害対応]"})
       for n in (2, 4)},
    "posts/2026/draft.md": post(date="2026-03-20 10:00", h1="下書きの記事", extra="draft: true", **EVERYWHERE),
}
# Every listing the five posts are in: the base of its URLs.
LISTINGS = ["blog", "blog/2026", "blog/tag/postgresql", "blog/category/tech", "blog/author/tanaka"]
PAGES = [["記事 5", "記事 4"], ["記事 3", "記事 2"], ["記事 1"]]


def page_file(base: str, number: int) -> str:
    return f"{base}.html" if number == 1 else f"{base}/page/{number}.html"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pagination")
    src = make_site(tmp / "site", POSTS)
    build = sphinx_build(src, tmp / "out", *SIZE, env=NOW)
    assert build.returncode == 0, build.output
    return build


def soup(build, page: str) -> BeautifulSoup:
    return BeautifulSoup(build.html(page).replace("<wbr>", ""), "html.parser")


def titles(build, page: str) -> list[str]:
    return [a.get_text() for a in soup(build, page).select(".tb-card__title a")]


@pytest.mark.parametrize("base", LISTINGS)
def test_each_listing_is_cut_into_pages_at_stable_urls(built, base):
    assert [titles(built, page_file(base, n)) for n in (1, 2, 3)] == PAGES
    assert not built.exists(f"{base}/page/4.html")
    assert not built.exists(f"{base}/page/1.html")  # page 1 is the listing's own URL, once


@pytest.mark.parametrize("base", LISTINGS)
def test_every_page_is_its_own_canonical_with_rel_prev_and_next(built, base):
    for number in (1, 2, 3):
        page = soup(built, page_file(base, number))
        assert page.find("link", rel="canonical")["href"] == BASE + page_file(base, number)
        links = {rel: page.find("link", rel=rel) for rel in ("prev", "next")}
        want_prev = page_file(base, number - 1) if number > 1 else None
        want_next = page_file(base, number + 1) if number < 3 else None
        for rel, want in (("prev", want_prev), ("next", want_next)):
            if want is None:
                assert links[rel] is None, f"{base} page {number} has a {rel}"
            else:
                assert built.out.joinpath(page_file(base, number)).parent.joinpath(links[rel]["href"]).resolve() \
                    == (built.out / want).resolve()
        assert page.select_one("meta[property='og:url']")["content"] == BASE + page_file(base, number)


def test_the_pager_is_japanese_with_real_links(built):
    page = soup(built, "blog/tag/postgresql/page/2.html")
    nav = page.select_one("nav.tb-pages")
    assert nav["aria-label"] == "ページ送り"
    assert nav.select_one(".tb-pages__status").get_text() == "2 / 3 ページ"
    prev, nxt = nav.select_one("a[rel=prev]"), nav.select_one("a[rel=next]")
    assert (prev.get_text(), prev["href"]) == ("前へ", "../../postgresql.html")
    assert (nxt.get_text(), nxt["href"]) == ("次へ", "3.html")
    numbers = nav.select(".tb-pages__number a")
    assert [a.get_text() for a in numbers] == ["1", "2", "3"]
    assert [a.get("aria-current") for a in numbers] == [None, "page", None]
    first, last = soup(built, "blog/tag/postgresql.html"), soup(built, "blog/tag/postgresql/page/3.html")
    assert first.select_one("nav.tb-pages a[rel=prev]") is None
    assert first.select_one("nav.tb-pages [aria-disabled]").get_text() == "前へ"
    assert last.select_one("nav.tb-pages a[rel=next]") is None
    # The page's title says which page it is; page 1 keeps the listing's title.
    assert page.title.get_text().startswith("タグ「PostgreSQL」の記事（2 / 3 ページ）")
    assert first.title.get_text().startswith("タグ「PostgreSQL」の記事 ")
    assert "（2 / 3 ページ）" in page.find("meta", attrs={"name": "description"})["content"]


def test_the_pager_skips_far_pages():
    from techblog.reader.listings import pager_numbers

    assert pager_numbers(1, 1) == [1]
    assert pager_numbers(2, 3) == [1, 2, 3]
    assert pager_numbers(7, 14) == [1, None, 5, 6, 7, 8, 9, None, 14]
    assert pager_numbers(14, 14) == [1, None, 12, 13, 14]


@pytest.mark.parametrize("base", LISTINGS)
def test_every_page_shows_the_total_and_its_range(built, base):
    counts = [soup(built, page_file(base, n)).select_one(".tb-listing__count").get_text() for n in (1, 2, 3)]
    assert counts == ["全 5 件（1〜2 件目）・1 / 3 ページ", "全 5 件（3〜4 件目）・2 / 3 ページ", "全 5 件（5〜5 件目）・3 / 3 ページ"]


def test_a_listing_of_one_page_has_no_pager(built):
    page = soup(built, "blog/tag/incident-response.html")
    assert [a.get_text() for a in page.select(".tb-card__title a")] == ["記事 4", "記事 2"]
    assert page.select_one(".tb-listing__count").get_text() == "全 2 件"
    assert page.select_one("nav.tb-pages") is None
    assert page.find("link", rel="next") is None and page.find("link", rel="prev") is None
    assert not built.exists("blog/tag/incident-response/page/2.html")


def test_a_card_still_shows_title_date_authors_category_reading_time_and_description(built):
    card = soup(built, "blog/page/2.html").select_one(".tb-card")
    assert card.select_one(".tb-card__title a")["href"] == "../../posts/2026/p3.html"
    assert card.select_one("time")["datetime"].startswith("2026-03-10T10:00")
    assert card.select_one(".tb-card__authors a").get_text() == "田中 太郎"
    assert card.select_one(".tb-chip").get_text() == "技術"
    assert card.select_one(".tb-card__reading").get_text()
    assert card.select_one(".tb-card__description").get_text() == "本文です。"


def test_every_page_of_every_listing_is_in_the_sitemap(built):
    sitemap = built.html("sitemap.xml")
    locs = set(re.findall(r"<loc>(.*?)</loc>", sitemap))
    for base in LISTINGS:
        for number in (1, 2, 3):
            assert BASE + page_file(base, number) in locs
        assert BASE + f"{base}/page/4.html" not in locs
    assert BASE + "blog/archive.html" in locs
    # Exactly the pages written: nothing listed that is not a file.
    assert {loc.removeprefix(BASE) for loc in locs} <= set(built.files())


def test_drafts_are_never_counted_or_shown(built):
    for base in LISTINGS:
        for number in (1, 2, 3):
            assert "下書きの記事" not in built.html(page_file(base, number))
    assert "全 5 件" in soup(built, "blog/archive.html").select_one(".tb-listing__count").get_text()
    assert "下書き" not in built.html("sitemap.xml")


def test_the_archive_is_a_year_and_month_index_linking_to_the_pages(built):
    archive = soup(built, "blog/archive.html")
    assert archive.select_one("article h1").get_text() == "アーカイブ"
    year = archive.select_one(".tb-archive-year h2")
    assert year.get_text(" ", strip=True) == "2026年 （5 件）"
    assert year.a["href"] == "2026.html"
    months = [(a.get_text(), a["href"], a.parent.select_one(".tb-count").get_text())
              for a in archive.select(".tb-archive-months a")]
    assert months == [
        ("5月", "2026.html#month-05", "（1 件）"), ("4月", "2026.html#month-04", "（1 件）"),
        ("3月", "2026/page/2.html#month-03", "（1 件）"), ("2月", "2026/page/2.html#month-02", "（1 件）"),
        ("1月", "2026/page/3.html#month-01", "（1 件）"),
    ]
    # Each month's link lands on its heading, above its posts: every post two clicks from the archive.
    for label, href, _ in months:
        target, anchor = href.split("#")
        heading = soup(built, f"blog/{target}").find(id=anchor)
        assert heading.get_text() == label
        assert heading.find_next(class_="tb-card__title").get_text().startswith("記事 ")
    assert archive.select(".tb-card") == []  # no post is listed on the archive itself


def test_feeds_do_not_change_with_the_page_size(built, tmp_path):
    default = sphinx_build(built.src, tmp_path / "default", env=NOW)
    assert default.returncode == 0, default.output
    feeds = [name for name in built.files() if name.endswith("atom.xml")]
    assert "blog/atom.xml" in feeds and "blog/tag/postgresql/atom.xml" in feeds
    assert sorted(feeds) == sorted(name for name in default.files() if name.endswith("atom.xml"))
    for name in feeds:
        assert (built.out / name).read_bytes() == (default.out / name).read_bytes(), name
    # With the default of 20 a listing of five posts is one page.
    assert not default.exists("blog/page/2.html")
    assert soup(default, "blog.html").select_one("nav.tb-pages") is None


def test_a_page_size_that_is_not_a_whole_number_from_1_is_a_problem_at_its_line(tmp_path):
    src = make_site(tmp_path / "site", {"posts/2026/p1.md": POSTS["posts/2026/p1.md"]})
    conf = src / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\ntechblog_listing_page_size = 0\n", encoding="utf-8")
    line = conf.read_text(encoding="utf-8").splitlines().index("techblog_listing_page_size = 0") + 1
    build = sphinx_build(src, tmp_path / "out", env=NOW)
    assert build.returncode != 0
    assert f"conf.py:{line}: ERROR: techblog_listing_page_size（0）は 1 以上の整数で書いてください" in build.output


# -- In a browser: the pager at both widths, screenshots, axe ----------------------


@pytest.fixture(scope="module")
def site_url(built):
    server = StaticServer(built.out)
    yield server.url
    server.close()


def _open(browser, site_url, path: str, width: int):
    context, page = reader(browser, site_url, width)
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    return context, page


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_the_pager_fits_and_walks_the_listing(browser, site_url, width):
    context, page = _open(browser, site_url, "blog/tag/postgresql.html", width)
    pager = page.locator("nav[aria-label='ページ送り']")
    assert pager.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Every link of the pager is big enough to tap.
    sizes = pager.locator("a").evaluate_all("els => els.map(e => [e.offsetWidth, e.offsetHeight])")
    assert all(w >= 44 and h >= 44 for w, h in sizes), sizes
    screenshot(page, f"pagination-tag-page1-{width}")
    pager.get_by_role("link", name="次へ").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("blog/tag/postgresql/page/2.html")
    assert page.locator(".tb-card__title").all_inner_texts() == ["記事 3", "記事 2"]
    screenshot(page, f"pagination-tag-page2-{width}")
    assert page.watch.console_errors == [] and page.watch.foreign_requests == []
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_the_archive_reaches_a_month_in_one_click(browser, site_url, width):
    context, page = _open(browser, site_url, "blog/archive.html", width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"pagination-archive-{width}")
    page.get_by_role("link", name="3月").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("blog/2026/page/2.html#month-03")
    assert page.locator("#month-03").is_visible()
    screenshot(page, f"pagination-year-page2-{width}")
    assert page.watch.console_errors == []
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["blog/page/2.html", "blog/2026/page/2.html", "blog/author/tanaka/page/3.html",
                                  "blog/archive.html"])
def test_listing_pages_pass_axe(browser, site_url, path):
    context, page = _open(browser, site_url, path, 1280)
    results = Axe().run(page)
    serious = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    context.close()


def test_large_counts_have_thousands_separators_as_reading_times_do():
    macros = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "_templates")).get_template("techblog/macros.html").module
    status = macros.listing_status({"count": 5013, "pager": {"pages": 251, "first": 1041, "last": 1060, "number": 53}})
    text = BeautifulSoup(str(status), "html.parser").get_text()
    assert text == "全 5,013 件（1,041〜1,060 件目）・53 / 251 ページ"
    assert str(macros.count(999)) == "999"
