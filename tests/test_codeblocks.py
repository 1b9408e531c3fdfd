"""The copy button of code blocks copies what a reader would type: no prompts, no output, comments kept."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .browser import PageWatch, StaticServer
from .sitebuild import build_here, make_site, post

pytestmark = pytest.mark.browser

BODY = """\
コンソールの例です。

```console
$ kubectl get pods
NAME    READY
web-1   1/1
# systemctl restart nginx
```

Python の対話モードです。

```pycon
>>> 1 + 1
2
```

スクリプトです。

```bash
# 古いノードを確認
kubectl get nodes -l nodegroup=blue
```

設定の差分です。

```diff yaml:deploy/values.yaml
 replicaCount: 3
-maxSurge: 1
+maxSurge: 25%
```
"""
EXPECTED = [
    "kubectl get pods\nsystemctl restart nginx",
    "1 + 1",
    "# 古いノードを確認\nkubectl get nodes -l nodegroup=blue",
    "replicaCount: 3\n-maxSurge: 1\n+maxSurge: 25%",
]
PAGE = "posts/2026/code.html"
VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective));
"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("code")
    build = build_here(make_site(root / "site", {"posts/2026/code.md": post(h1="コードの記事", body=BODY)}), root / "out")
    assert build.returncode == 0, build.output
    server = StaticServer(build.out)
    yield server.url
    server.close()


@pytest.fixture
def reader(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context.add_init_script(VIOLATIONS)
    page = context.new_page()
    page.watch = PageWatch(origin=site_url.rstrip("/"))
    page.watch.attach(page)
    page.goto(site_url + PAGE)
    page.wait_for_load_state("networkidle")
    yield page
    context.close()


def _copied(page) -> str:
    return page.evaluate("navigator.clipboard.readText()").strip()


def test_each_block_copies_the_commands_only(reader):
    buttons = reader.locator("button.copybtn")
    assert buttons.count() == len(EXPECTED)
    for index, expected in enumerate(EXPECTED):
        reader.evaluate("navigator.clipboard.writeText('')")
        reader.locator("div.highlight").nth(index).hover()
        buttons.nth(index).click()
        expect(buttons.nth(index)).to_have_attribute("data-tooltip", "コピーしました")
        assert _copied(reader) == expected
    assert reader.evaluate("window.__violations") == []
    assert reader.watch.console_errors == [] and reader.watch.foreign_requests == []


def test_the_button_is_japanese_and_works_from_the_keyboard(reader):
    button = reader.locator("button.copybtn").first
    assert button.get_attribute("aria-label") == "コードをコピー"
    assert button.get_attribute("data-tooltip") == "コピー"
    assert button.locator("svg title").text_content() == "クリップボードにコピー"
    button.focus()
    expect(button).to_have_css("opacity", "1")  # shown to the keyboard, not on hover only
    reader.keyboard.press("Enter")
    expect(button).to_have_attribute("data-tooltip", "コピーしました")
    assert _copied(reader) == EXPECTED[0]


def test_the_page_with_code_passes_axe(reader):
    results = Axe().run(reader)
    serious = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_a_diff_shows_its_file_name_and_coloured_lines(reader):
    caption = reader.locator(".code-block-caption .tb-file-name")
    expect(caption).to_have_text("deploy/values.yaml")
    block = reader.locator("div.highlight-diff-yaml")
    added, removed = block.locator(".hll:has(> .gi)"), block.locator(".hll:has(> .gd)")
    assert added.count() == 1 and removed.count() == 1
    colours = {line.evaluate("e => getComputedStyle(e).backgroundColor") for line in (added, removed)}
    assert len(colours) == 2 and "rgba(0, 0, 0, 0)" not in colours
    assert block.locator(".hll .nt, .hll .l, .hll .p, .hll .nv").count() > 0  # YAML's own highlighting kept
    reader.screenshot(path="test-artifacts/code-diff.png", full_page=True)
