"""A reader in Chromium: the walk through the blog, and the pages' health and looks."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .browser import PageWatch, reader, screenshot, wait_until

pytestmark = pytest.mark.browser

DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
READING = re.compile(r"^読了目安 約\d+分（[\d,]+字）$")
POST = "posts/2025/postmortem-connection-exhaustion.html"


def test_walk_home_post_tag_author_category_series(page):
    page.goto(page.site_url + "index.html")
    follow = page.locator(".bd-article .tb-follow a")
    assert follow.evaluate_all("els => els.map(e => e.getAttribute('href'))") == [
        "https://x.com/minatocloud_dev", "https://www.facebook.com/minatocloud",
        "https://b.hatena.ne.jp/site/tech.minato-cloud.example/", "blog/atom.xml"]
    assert page.locator(".tb-featured .tb-card").count() == 2

    # home -> a featured post
    page.locator(".tb-featured .tb-card__title a", has_text="PostgreSQL 接続枯渇").click()
    assert page.url.endswith(POST)
    assert DATE.match(page.locator(".tb-post-date time").inner_text())
    assert READING.match(page.locator(".tb-reading-time").inner_text())
    card = page.locator(".tb-authors .tb-author")
    assert card.count() == 1
    assert card.locator(".tb-author__name a").inner_text() == "田中 悠真"
    assert card.locator("img.tb-author__avatar").evaluate("img => img.naturalWidth") > 0
    assert "オンコール歴 10 年" in card.locator(".tb-author__bio").inner_text()
    share = page.locator(".tb-share__list a").evaluate_all("els => els.map(e => e.href)")
    assert share[0].startswith("https://x.com/intent/post?url=https%3A%2F%2Ftech.minato-cloud.example%2F")
    assert share[1].startswith("https://b.hatena.ne.jp/add?mode=confirm&url=")
    assert share[2].startswith("https://www.facebook.com/sharer/sharer.php?u=")
    assert share[3] == "https://tech.minato-cloud.example/" + POST
    related = page.locator(".tb-related .tb-card__title a").evaluate_all("els => els.map(e => e.href)")
    assert len(related) >= 3 and not any(href.endswith(POST) for href in related)
    assert page.locator(".bd-header-article a[href*='/edit/main/posts/2025/postmortem-connection-exhaustion.md']").count() == 1

    # copy-link copies the post's address and says so
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator(".tb-share__copy").click()
    expect(page.locator(".tb-share__status")).to_have_text("リンクをコピーしました")  # waits for the clipboard
    assert page.evaluate("navigator.clipboard.readText()") == "https://tech.minato-cloud.example/" + POST

    # post -> tag
    page.locator(".tb-post-terms a[rel=tag]", has_text="ポストモーテム").click()
    assert page.url.endswith("blog/tag/postmortem.html")
    assert page.locator("article h1").inner_text() == "タグ「ポストモーテム」の記事"
    assert page.locator(".tb-card").count() >= 1
    assert DATE.match(page.locator(".tb-card time").first.inner_text())

    # tag -> author (profile first)
    page.locator(".tb-card__authors a", has_text="田中 悠真").first.click()
    assert page.url.endswith("blog/author/tanaka.html")
    assert page.locator(".tb-profile h1").inner_text() == "田中 悠真"
    assert page.locator(".tb-profile .tb-author__links a").count() == 3

    # author -> category
    page.locator(".tb-card .tb-chip", has_text="技術").first.click()
    assert page.url.endswith("blog/category/tech.html")
    assert page.locator("article h1").inner_text() == "カテゴリ「技術」の記事"

    # category -> a series part
    page.locator(".tb-card__title a", has_text="移行記（2）").click()
    assert page.url.endswith("posts/2025/pg16-migration-part2-rehearsal.html")
    series = page.locator(".tb-series")
    assert "全 3 回" in series.locator("h2").inner_text()
    assert series.locator(".tb-series__parts li").count() == 3
    assert series.locator("[aria-current=page]").inner_text().startswith("PostgreSQL 16 移行記（2）")
    assert "移行記（1）" in series.locator(".tb-pager__prev").inner_text()
    assert "移行記（3）" in series.locator(".tb-pager__next").inner_text()
    assert page.locator(".tb-series-badge").inner_text() == "連載「PostgreSQL 16 移行記」第 2 回（全 3 回）"
    assert page.locator(".tb-related .tb-card").count() >= 3

    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []


def test_header_controls_work_though_bootstrap_loads_only_when_reached_for(page):
    bootstrap = []
    page.on("request", lambda request: "/scripts/bootstrap.js" in request.url and bootstrap.append(request.url))
    page.goto(page.site_url + POST)
    page.wait_for_load_state("networkidle")
    assert bootstrap == [], "bootstrap.js must not load with the page"

    # A tap that arrives before the script: the click is held and the menu still opens.
    page.evaluate("document.querySelector('.theme-switch-button').click()")
    modes = page.locator(".theme-switch-container .dropdown-menu")
    expect(modes).to_be_visible()
    assert len(bootstrap) == 1
    modes.locator("[data-mode=dark]").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.mouse.move(640, 600)  # the book theme keeps a hovered header menu open
    expect(modes).to_be_hidden()

    # The same menu by keyboard, and the tooltips Bootstrap makes of the titles.
    page.locator(".theme-switch-button").focus()
    page.keyboard.press("Enter")
    expect(modes).to_be_visible()
    page.keyboard.press("Escape")
    page.locator(".btn-fullscreen-button").hover()
    expect(page.locator(".tooltip")).to_have_text("全画面モード")

    assert len(bootstrap) == 1
    assert page.watch.console_errors == []


def test_a_menu_opens_on_the_next_tap_when_bootstrap_failed_to_load(page):
    uncaught = []
    page.on("pageerror", lambda error: uncaught.append(str(error)))
    page.route("**/scripts/bootstrap.js*", lambda route: route.abort())
    page.goto(page.site_url + POST)
    page.wait_for_load_state("networkidle")
    toggle = "document.querySelector('.theme-switch-button').click()"
    page.evaluate(toggle)
    page.wait_for_timeout(300)
    assert page.evaluate("window.bootstrap") is None
    page.unroute("**/scripts/bootstrap.js*")
    page.evaluate(toggle)
    expect(page.locator(".theme-switch-container .dropdown-menu")).to_have_class(re.compile(r"\bshow\b"))
    assert uncaught == []


def test_back_to_top_appears_on_a_phone_once_the_reader_scrolls_back_up(browser, site_url):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="ja-JP")
    page = context.new_page()
    watch = PageWatch(origin=site_url.rstrip("/"))
    watch.attach(page)
    page.goto(site_url + POST)
    page.wait_for_load_state("networkidle")
    page.mouse.move(180, 400)
    page.mouse.wheel(0, 2500)  # the first scroll fetches bootstrap.js, which drives the button
    wait_until(page, "window.bootstrap !== undefined")
    back = page.locator("#pst-back-to-top")
    expect(back).to_be_hidden()
    page.mouse.wheel(0, -300)
    expect(back).to_be_visible()
    back.click()
    wait_until(page, "window.scrollY === 0")
    context.close()
    assert watch.console_errors == []


HEALTH_PAGES = ["index.html", POST, "blog/tag/postgresql.html", "blog/author/suzuki.html", "search.html?q=移行"]


@pytest.mark.parametrize("path", HEALTH_PAGES)
def test_page_is_healthy_and_accessible(page, path):
    page.goto(page.site_url + path)
    page.wait_for_load_state("networkidle")
    # Checked before axe runs: axe re-fetches @import-ed stylesheets relative to the
    # page (/basic.css), a 404 of its own making.
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert page.watch.foreign_requests == []


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("name,path", [("home", "index.html"), ("post", "posts/2025/pg16-migration-part2-rehearsal.html"),
                                       ("figure", "posts/2026/kubernetes-node-upgrade.html"), ("tag", "blog/tag/sre.html")])
def test_screenshots(browser, site_url, name, path, width, mode):
    context, page = reader(browser, site_url, width, mode)
    page.goto(site_url + path)
    assert page.locator("html").get_attribute("data-theme") == mode
    # Nothing may be wider than the screen (no sideways scrolling at 375 px).
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"{name}-{width}-{mode}")
    context.close()
    assert page.watch.console_errors == []
