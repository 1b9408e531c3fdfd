"""Every page under a strict Content Security Policy: nothing inline, every button still works, an injected script never runs."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from techblog.safety import csp

from .browser import PageWatch, StaticServer
from .sitebuild import make_site, post, sphinx_build

PAGES = {
    "home": "index.html",
    "post with code and a diagram": "posts/2026/kubernetes-node-upgrade.html",
    "listing": "blog.html",
    "search with results": "search.html?q=移行",
    "author": "blog/author/suzuki.html",
    "404": "404.html",
    "moved page": "blog/2025/nginx-keepalive.html",
}
# Records every violation the browser reports, before any script of the page runs.
VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


def test_every_page_of_the_sample_carries_the_policy_and_nothing_inline(sample):
    pages = [page for page in sample.files() if page.endswith(".html") and page.split("/")[0] not in csp.SKIPPED]
    assert len(pages) > 50
    for page in pages:
        markup = sample.html(page)
        assert csp.page_problems(markup) == [], page
        head = markup.split("</head>")[0]
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', head).group(1)
        directives = dict(part.split(" ", 1) for part in policy.split("; "))
        assert directives["script-src"] == "'self'" and directives["object-src"] == "'none'", page
        assert directives["base-uri"] == directives["form-action"] == directives["default-src"] == "'self'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        # Before any script: the policy covers every script of the page.
        assert head.index("Content-Security-Policy") < head.find("<script"), page
        assert '<meta name="referrer" content="strict-origin-when-cross-origin">' in head, page


def test_a_page_that_would_hold_inline_code_fails_the_build_and_says_where(tmp_path):
    site = make_site(tmp_path / "site", {"posts/2026/a.md": post(h1="記事")})
    footer = site / "_templates" / "techblog" / "post-footer.html"
    footer.write_text(footer.read_text(encoding="utf-8")
                      + '\n<script>track()</script><button onclick="track()">x</button><p style="color: red">x</p>\n',
                      encoding="utf-8")
    build = sphinx_build(site, tmp_path / "out")
    assert build.returncode != 0
    assert "Traceback" not in build.output
    lines = [line for line in build.output.splitlines() if line.startswith("posts/2026/a.md:1: ERROR: posts/2026/a.html: ")]
    assert any("インラインのスクリプト <script> があります" in line for line in lines), build.output
    assert any("インラインのイベントハンドラー（onclick=）" in line for line in lines), build.output
    assert any('style="color: red"' in line for line in lines), build.output
    assert all("docs/tech/csp.md" in line for line in lines)


def test_a_listing_with_inline_code_fails_every_build_until_it_is_fixed(tmp_path):
    site = make_site(tmp_path / "site", {"posts/2026/a.md": post(h1="記事")})
    listing = site / "_templates" / "ablog" / "collection.html"
    clean = listing.read_text(encoding="utf-8")
    listing.write_text(clean.replace("{% block body %}", '{% block body %}<a href="javascript:void(0)">x</a>', 1),
                       encoding="utf-8")
    out = tmp_path / "out"
    for attempt in ("first", "again, nothing changed"):
        build = sphinx_build(site, out, reread=False)
        assert build.returncode != 0, attempt
        assert "blog/tag/incident-response.html: javascript: の URL があります" in build.output, attempt
    listing.write_text(clean, encoding="utf-8")
    build = sphinx_build(site, out, reread=False)
    assert build.returncode == 0, build.output


@pytest.mark.browser
@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_no_violation_on_the_pages_a_reader_visits(page, path):
    page.add_init_script(VIOLATIONS)
    page.goto(page.site_url + path)
    page.wait_for_load_state("networkidle")
    if path.startswith("search"):
        expect(page.locator("#search-results li, .tb-search-results li").first).to_be_visible()
    assert page.evaluate("window.__violations") == []
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []


@pytest.mark.browser
def test_the_moved_page_goes_on_and_keeps_the_section(page):
    page.goto(page.site_url + "blog/2025/nginx-keepalive.html#section")
    page.wait_for_url(re.compile(r"posts/2025/nginx-upstream-keepalive\.html#section$"))


@pytest.mark.browser
def test_every_button_still_works_under_the_policy(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    context.add_init_script(VIOLATIONS)
    page = context.new_page()
    page.watch = PageWatch(origin=site_url.rstrip("/"))
    page.watch.attach(page)
    page.goto(site_url + PAGES["post with code and a diagram"])
    page.wait_for_load_state("networkidle")

    page.locator(".theme-switch-button").click()
    page.locator(".theme-switch-container button[data-mode=dark]").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.reload()  # the choice is applied before the first paint, from a file
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")

    # The theme's toggleFullScreen logs what it does: it ran, from techblog.js, not an onclick.
    with page.expect_console_message(lambda message: "full screen" in message.text):
        page.locator("[data-tb-action=fullscreen]").click()

    page.locator(".primary-toggle").filter(visible=True).first.click()
    expect(page.locator("#pst-primary-sidebar")).to_have_class(re.compile(r"pst-sidebar-hidden"))

    page.locator(".search-button-field").first.click()
    field = page.locator("#pst-search-dialog input[type=search]")
    expect(field).to_be_visible()
    field.fill("移行")
    field.press("Enter")
    page.wait_for_url(re.compile(r"search\.html\?q="))
    page.wait_for_load_state("networkidle")

    assert page.evaluate("window.__violations") == []
    assert page.watch.console_errors == []
    context.close()


@pytest.mark.browser
def test_share_link_copy_and_phone_sidebars_work_under_the_policy(browser, site_url):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="ja-JP")
    context.add_init_script(VIOLATIONS)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site_url + PAGES["post with code and a diagram"])
    page.wait_for_load_state("networkidle")
    page.locator(".tb-share__copy").click()
    expect(page.locator(".tb-share__status")).to_have_text("リンクをコピーしました")
    page.locator(".primary-toggle").filter(visible=True).first.click()
    expect(page.locator("#pst-primary-sidebar-modal")).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    page.locator(".secondary-toggle").filter(visible=True).first.click()
    expect(page.locator("#pst-secondary-sidebar-modal")).to_have_attribute("open", "")
    assert page.evaluate("window.__violations") == []
    context.close()


@pytest.mark.browser
def test_a_script_injected_into_a_built_page_does_not_run(browser, sample, tmp_path):
    # A copy of a post with what a slip-through would put in it; the site's files beside it.
    root = tmp_path / "site"
    shutil.copytree(sample.out / "_static", root / "_static")
    target = root / "posts" / "2026" / "injected.html"
    target.parent.mkdir(parents=True)
    markup = sample.html(PAGES["post with code and a diagram"])
    injected = ('<script>window.__injected = "script"</script>'
                '<img src="missing.png" onerror="window.__injected = \'handler\'">'
                '<a id="js-link" href="javascript:window.__injected=\'link\'">x</a>')
    target.write_text(markup.replace("<article", injected + "<article", 1), encoding="utf-8")
    server = StaticServer(root)
    try:
        context = browser.new_context(locale="ja-JP")
        context.add_init_script(VIOLATIONS)
        page = context.new_page()
        page.goto(server.url + "posts/2026/injected.html")
        page.wait_for_load_state("networkidle")
        page.locator("#js-link").click()
        page.wait_for_timeout(200)
        assert page.evaluate("window.__injected") is None
        violations = page.evaluate("window.__violations")
        assert sum(v.startswith("script-src") for v in violations) >= 3, violations
        context.close()
    finally:
        server.close()


def test_a_theme_button_with_an_unknown_script_keeps_its_onclick_for_the_check_to_report():
    buttons = csp._buttons_without_handlers([
        {"type": "javascript", "javascript": "toggleFullScreen()", "label": "fullscreen-button"},
        {"type": "group", "buttons": [{"type": "javascript", "javascript": "launchBinder()"}]},
    ])
    assert buttons[0]["action"] == "fullscreen"
    assert "action" not in buttons[1]["buttons"][0]  # rendered by the theme, with onclick: a build error
    assert csp.page_problems('<head><meta http-equiv="Content-Security-Policy" content="x"></head>'
                             '<button onclick="launchBinder()">') == [
        "インラインのイベントハンドラー（onclick=）があります。_static/ のスクリプトから addEventListener で付けてください"]


@pytest.mark.parametrize("tag, names", [
    ('<button onclick="x()">', ["onclick"]),
    ('<button\n  OnMouseOver = "x()">', ["onmouseover"]),
    ('<img src="a.png"\tONERROR=x()>', ["onerror"]),
    ('<p>「 onclick= 」と書くと動きます</p>', []),  # words in the text, not an attribute
    ('<a title="x onclick=y" href="#">', []),  # inside an attribute value
    ('<button data-onclick="x()">', []),
])
def test_event_handlers_are_found_whatever_their_case_and_spacing(tag, names):
    markup = '<head><meta http-equiv="Content-Security-Policy" content="x"></head>' + tag
    assert csp._handlers(markup, markup.encode().lower()) == names
    assert [m for m in csp.page_problems(markup) if "イベントハンドラー" in m] == [
        f"インラインのイベントハンドラー（{name}=）があります。_static/ のスクリプトから addEventListener で付けてください"
        for name in names]
