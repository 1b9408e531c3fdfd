from __future__ import annotations

import fcntl

import pytest

from .browser import CHROMIUM_ARGS, PageWatch, StaticServer, chromium_path
from .sitebuild import ROOT, ROOTS, Build, sphinx_build

# In-process builds: make_app, app (with @pytest.mark.sphinx(testroot=...)), ...
pytest_plugins = ("sphinx.testing.fixtures",)


@pytest.fixture(scope="session")
def rootdir():
    """Where sphinx.testing finds the fixture sites (tests/roots/test-<name>)."""
    return ROOTS


@pytest.fixture(scope="session")
def sample(tmp_path_factory, worker_id) -> Build:
    """The shipped sample site, built once for the whole run as production builds it (tests only read it).

    The pytest-xdist workers of one run share it: the first to ask builds it, the others wait for it.
    """
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # this run's folder, above each worker's own
    folder = shared / "sample"
    with open(shared / "sample.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "output.txt").is_file():
            build = sphinx_build(ROOT, folder / "html")
            assert build.returncode == 0, build.output
            (folder / "output.txt").write_text(build.output, encoding="utf-8")
    return Build(ROOT, folder / "html", 0, (folder / "output.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def site_url(sample):
    """The sample site served over HTTP on 127.0.0.1."""
    server = StaticServer(sample.out)
    yield server.url
    server.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, site_url):
    """A fresh page (desktop size, light mode); ``page.watch`` records errors and foreign requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP", color_scheme="light")
    page = context.new_page()
    page.watch = PageWatch(origin=site_url.rstrip("/"))
    page.watch.attach(page)
    page.site_url = site_url
    yield page
    context.close()
