"""A link card in Chromium: its title and image show, nothing leaves the site, axe finds nothing serious."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .browser import ARTIFACTS, reader, screenshot, wait_until

pytestmark = pytest.mark.browser

POST = "posts/2025/postmortem-connection-exhaustion.html"
TITLE = "PostgreSQL: Documentation: 16: 19.11. Client Connection Defaults"


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 375])
def test_a_card_shows_its_title_and_image_from_this_site_only(browser, site_url, mode, width):
    context, page = reader(browser, site_url, width, mode)
    watch = page.watch
    page.goto(site_url + POST)
    assert page.locator("html").get_attribute("data-theme") == mode

    # The link's accessible name is the card's title; the whole card is the one link.
    card = page.get_by_role("link", name=TITLE, exact=True)
    expect(card).to_have_count(1)
    assert card.get_attribute("href") == "https://www.postgresql.org/docs/16/runtime-config-client.html"
    expect(card.locator(".tb-linkcard__title")).to_have_text(TITLE)
    expect(card.locator(".tb-linkcard__host")).to_have_text("www.postgresql.org")
    card.scroll_into_view_if_needed()  # the image loads lazily
    wait_until(page, "(() => { const i = document.querySelector('a.tb-linkcard img'); return i.complete && i.naturalWidth > 0; })()")
    image = card.locator("img")
    assert image.get_attribute("alt") == ""
    assert image.evaluate("img => new URL(img.currentSrc).origin") == site_url.rstrip("/")

    # Text and image side by side; on a phone too, without sideways scrolling.
    box, image_box = card.bounding_box(), image.bounding_box()
    assert image_box["width"] <= (120 if width > 600 else 72) + 1
    assert box["x"] + box["width"] <= width and image_box["x"] + image_box["width"] <= box["x"] + box["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The card follows the mode: its background is the theme's surface colour.
    surface = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--pst-color-surface').trim()")
    assert surface and card.evaluate("a => getComputedStyle(a).backgroundColor") != "rgba(0, 0, 0, 0)"

    page.wait_for_load_state("networkidle")
    assert watch.console_errors == []
    assert watch.foreign_requests == []
    results = Axe().run(page)
    serious = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert watch.foreign_requests == []

    screenshot(page, f"linkcard-{width}-{mode}")
    ARTIFACTS.mkdir(exist_ok=True)
    card.screenshot(path=str(ARTIFACTS / f"linkcard-card-{width}-{mode}.png"))
    context.close()
