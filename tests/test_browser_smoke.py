import pytest

pytestmark = pytest.mark.browser


def test_home_loads_without_errors_or_foreign_requests(page):
    page.goto(page.site_url + "index.html")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []
