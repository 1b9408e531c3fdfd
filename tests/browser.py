"""A real browser for the reader's-eye tests: Debian's Chromium driven by Playwright.

No browser is downloaded: the tests use the machine's Chromium and fail loudly
when there is none, so CI can never pass by skipping them.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def chromium_path() -> str:
    override = os.environ.get("CHROMIUM")
    for candidate in ((override,) if override else ()) + CHROMIUM_CANDIDATES:
        if candidate and shutil.which(candidate):
            return candidate
    pytest.fail(
        "Chromium が見つかりません。ブラウザのテストには Debian の chromium が必要です: "
        "`sudo apt-get install -y chromium`（別の場所にあるなら CHROMIUM=/path/to/chromium）",
        pytrace=False,
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class StaticServer:
    """Serves a built site on 127.0.0.1, as static hosting would."""

    def __init__(self, root: Path):
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class PageWatch:
    """What a page did: console errors and requests that left the site's origin."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda err: self.console_errors.append(str(err)))

        def on_request(request):
            parts = urlsplit(request.url)
            if parts.scheme in ("data", "blob", "about"):
                return
            if f"{parts.scheme}://{parts.netloc}" != self.origin:
                self.foreign_requests.append(request.url)

        page.on("request", on_request)


def reader(browser, site_url: str, width: int = 1280, mode: str = "light"):
    """``(context, page)`` of a reader at *width* px who chose *mode*; ``page.watch`` records errors and foreign requests."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ja-JP", color_scheme=mode)
    page = context.new_page()
    # The theme keeps the reader's choice in localStorage; set it as a reader who chose this mode.
    page.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
    page.watch = PageWatch(origin=site_url.rstrip("/"))
    page.watch.attach(page)
    return context, page


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_until(page, expression: str, timeout_ms: int = 10000) -> None:
    """Wait until *expression* is true in the page.

    Not ``page.wait_for_function``: it compiles its predicate in the page, which the site's
    Content Security Policy (no ``'unsafe-eval'``) refuses; ``evaluate`` runs from outside it.
    """
    waited = 0
    while not page.evaluate(expression):
        if waited >= timeout_ms:
            raise AssertionError(f"still false after {timeout_ms} ms: {expression}")
        page.wait_for_timeout(50)
        waited += 50
