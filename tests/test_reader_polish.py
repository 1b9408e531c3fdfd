"""One of everything, all of it Japanese: search, the docs in the sidebar, labels, figures in dark mode, the home's end."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .browser import reader

pytestmark = pytest.mark.browser

FIGURE_POST = "posts/2026/kubernetes-node-upgrade.html"  # an SVG diagram in a {figure}
PAGES = ["index.html", FIGURE_POST, "blog/tag/sre.html", "docs/index.html", "blog/author/suzuki.html"]
# Names that are the same in Japanese: services and formats named as their owners write them.
PROPER_NAMES = {"X", "Facebook", "Atom", "GitHub", "Ctrl", "K"}

SEARCH_ENTRIES = ".search-button__button, .search-button-field, form.bd-search input, input[type=search]"
VISIBLE = "els => els.filter(e => e.checkVisibility() && e.getBoundingClientRect().width > 0).length"

# Every name a screen reader announces for a control or a region: aria-label, title, alt, button text.
NAMES = """() => {
  const shown = e => e.checkVisibility() || e.closest('.onlyprint, dialog, [hidden]') !== null;
  const out = [];
  for (const e of document.querySelectorAll('[aria-label], [title], button, [role=button], img[alt], nav, aside')) {
    for (const name of [e.getAttribute('aria-label'), e.getAttribute('title'),
                        e.tagName === 'IMG' ? e.getAttribute('alt') : null,
                        e.tagName === 'BUTTON' ? e.textContent : null]) {
      if (name && name.trim()) out.push([e.outerHTML.slice(0, 120), name.trim()]);
    }
  }
  return out;
}"""


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("path", PAGES)
def test_one_search_entry_at_every_width_and_it_opens_search(browser, site_url, path, width):
    context, page = reader(browser, site_url, width)
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    entries = page.locator(SEARCH_ENTRIES)
    assert entries.evaluate_all(VISIBLE) == 1
    entries.filter(visible=True).first.click()
    expect(page.locator("#pst-search-dialog input[type=search]")).to_be_visible()
    assert page.watch.console_errors == []
    context.close()


def test_the_docs_are_in_the_sidebar_once(page):
    page.goto(page.site_url + "docs/index.html")
    sidebar = page.locator("#pst-primary-sidebar")
    assert sidebar.get_by_text("技術ドキュメント", exact=True).count() == 1


@pytest.mark.parametrize("path", PAGES)
def test_every_label_a_screen_reader_announces_is_japanese(page, path):
    page.goto(page.site_url + path)
    page.wait_for_load_state("networkidle")
    english = [(html, name) for html, name in page.evaluate(NAMES)
               if re.fullmatch(r"[\x00-\x7f]+", name) and name.strip(".#") not in PROPER_NAMES
               and not re.fullmatch(r"[\d\s.,:/#+-]+", name)]
    assert english == []
    assert page.locator("html").get_attribute("lang") == "ja"
    # Nothing labelled by a file extension (the theme's download menu: ".md", ".pdf").
    assert page.get_by_text(re.compile(r"^\.(pdf|md)$")).count() == 0


def test_the_home_ends_with_the_blogs_own_ways_on_not_the_docs_as_next_page(page):
    page.goto(page.site_url + "index.html")
    assert page.locator(".prev-next-area a").count() == 0
    assert page.locator(".tb-more a").inner_text().startswith("すべての記事を見る")
    assert page.locator(".tb-archive-list a").count() >= 1
    # Docs pages keep the pager that walks through the docs.
    page.goto(page.site_url + "docs/index.html")
    assert page.locator(".prev-next-area a").count() >= 1


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_figures_sit_on_a_light_panel_in_dark_mode_only(browser, site_url, mode):
    context, page = reader(browser, site_url, 1280, mode)
    page.goto(site_url + FIGURE_POST)
    page.wait_for_load_state("networkidle")
    figure = page.locator(".bd-article figure img").first
    figure.scroll_into_view_if_needed()
    style = figure.evaluate("img => { const s = getComputedStyle(img); "
                            "return [s.backgroundColor, s.paddingTop, img.naturalWidth]; }")
    background, padding, width = style
    assert width > 0  # the diagram loaded
    if mode == "dark":
        red, green, blue = map(int, re.findall(r"\d+", background)[:3])
        assert min(red, green, blue) >= 200 and padding != "0px"
        # The panel is softer than the page is dark, but not a glaring white block.
        assert figure.evaluate("img => getComputedStyle(img).filter") == "brightness(0.88)"
    else:
        assert background == "rgba(0, 0, 0, 0)" and padding == "0px"
        assert figure.evaluate("img => getComputedStyle(img).filter") == "none"
    # Avatars stay as they are.
    assert page.locator(".tb-byline img").first.evaluate("img => getComputedStyle(img).paddingTop") == "0px"
    assert page.watch.console_errors == []
    context.close()
