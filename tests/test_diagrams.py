"""Diagrams: Mermaid and Graphviz fences become SVG at build time, whole, in both modes, with nothing from elsewhere."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from .browser import StaticServer, reader, screenshot
from .sitebuild import build_here, make_site, post

LONG_LABEL = "ロードバランサーからアプリケーションサーバー群への振り分け"
BODY = f"""\
図の記事です。

```mermaid 障害時の切り替え
flowchart LR
  LB[{LONG_LABEL}] --> APP{{アプリケーションサーバー群}}
  APP -->|正常| DB[(PostgreSQL プライマリ)]
  APP -.->|フェイルオーバー| DR[(スタンバイ)]
  click DB "https://docs.example.com/postgresql/" "PostgreSQL の文書"
```

```dot
digraph G {{
  rankdir=LR;
  node [shape=box];
  subgraph cluster_tokyo {{ label="東京リージョン（主系）"; lb [label="ロードバランサー"]; }}
  lb -> "アプリケーションサーバー群" [label="振り分け"];
  "アプリケーションサーバー群" -> "データベース\\nプライマリ";
}}
```

```{{mermaid}}
:alt: 利用者と API のやりとり
sequenceDiagram
  利用者->>API: リクエスト
  API-->>利用者: 応答
```
"""
MERMAID_LABELS = [LONG_LABEL, "アプリケーションサーバー群", "PostgreSQL プライマリ", "スタンバイ", "正常", "フェイルオーバー"]
GRAPHVIZ_LABELS = ["東京リージョン（主系）", "ロードバランサー", "アプリケーションサーバー群", "振り分け", "データベースプライマリ"]
PAGE = "posts/2026/diagrams.html"


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    root = tmp_path_factory.mktemp("diagrams")
    pages = {"posts/2026/diagrams.md": post(h1="図の記事", body=BODY),
             "posts/2026/prose.md": post(h1="文章だけ", date="2026-01-11 10:00")}
    build = build_here(make_site(root / "site", pages), root / "out")
    assert build.returncode == 0, build.output
    return build


def test_diagrams_are_svg_in_the_page_with_no_script(build):
    page = build.html(PAGE)
    assert page.count('<figure class="tb-diagram') == 3
    assert "mermaid.min.js" not in page and "<script" not in page.split('<figure class="tb-diagram', 1)[1].split("</figure>")[0]
    assert "<style" not in page  # the policy allows no style element: Mermaid's rules are files
    for css in re.findall(r'href="\.\./\.\./(_static/techblog-diagrams/[^"?]+)', page):
        assert (build.out / css).is_file(), css
    assert "_static/techblog-diagrams" not in build.html("posts/2026/prose.html")
    assert '<figcaption>障害時の切り替え</figcaption>' in page
    mermaid_roots = re.findall(r'<svg id="tbd-\w+-(?:light|dark)"[^>]*>', page)
    assert len(mermaid_roots) == 4 and all(re.search(r'class="[^"]*\btbd-css-\w+', root) for root in mermaid_roots)
    assert 'aria-label="利用者と API のやりとり"' in page


def test_a_diagram_that_does_not_parse_is_reported_at_its_line(tmp_path):
    body = "壊れた図です。\n\n```mermaid\nflowchart LR\n  A --> B\n  B -->|ラベル| \n```\n\n```dot\ndigraph G {\n  a -> b;\n  b -> ;\n}\n```\n"
    text = post(h1="壊れた図", body=body)
    build = build_here(make_site(tmp_path / "site", {"posts/2026/bad.md": text}), tmp_path / "out")
    assert build.returncode != 0
    rows = text.splitlines()
    mermaid_at = rows.index("```mermaid") + 1
    dot_at = rows.index("  b -> ;") + 1
    assert re.search(rf"posts/2026/bad\.md:({mermaid_at}|{mermaid_at + 3}): ERROR: Mermaid の図を描けません: .*Parse error",
                     build.output), build.output
    assert f"posts/2026/bad.md:{dot_at}: ERROR: Graphviz の図を描けません: syntax error in line 3" in build.output
    assert "Traceback" not in build.output


@pytest.fixture(scope="module")
def site_url(build):
    server = StaticServer(build.out)
    yield server.url
    server.close()


def _open(browser, site_url, mode: str, width: int = 1280):
    context, page = reader(browser, site_url, width, mode)
    page.goto(site_url + PAGE)
    page.wait_for_load_state("networkidle")
    return context, page


# Every label whole and inside its box, in the drawing the reader sees.
LABELS_IN_BOXES = """
() => {
  const shown = [...document.querySelectorAll('.tb-diagram svg')].filter(s => s.getBoundingClientRect().width > 0);
  const out = [];
  for (const svg of shown) {
    const box = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll('text')) {
      const r = text.getBoundingClientRect();
      if (!text.textContent.trim()) continue;
      const group = text.closest('g.node, g.cluster');
      const shape = group && group.querySelector('rect, polygon, path.basic, ellipse, path');
      const s = shape ? shape.getBoundingClientRect() : box;
      out.push({text: text.textContent, svg: svg.id,
                inSvg: r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1,
                inShape: !group || (r.left >= s.left - 1 && r.right <= s.right + 1)});
    }
  }
  return out;
}
"""


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_a_reader_sees_every_label_whole_in_either_mode(browser, site_url, mode):
    context, page = _open(browser, site_url, mode)
    try:
        assert page.locator("html").get_attribute("data-theme") == mode
        shown = page.evaluate("[...document.querySelectorAll('.tb-diagram svg')].filter(s => s.getBoundingClientRect().width > 0).map(s => s.id)")
        assert len(shown) == 3 and all(mode in i for i in shown if "tbd-" in i and ("light" in i or "dark" in i)), shown
        texts = page.evaluate(LABELS_IN_BOXES)
        joined = "".join(t["text"] for t in texts)
        for label in MERMAID_LABELS + GRAPHVIZ_LABELS:
            assert label in joined.replace(" ", "") or label.replace(" ", "") in joined.replace(" ", ""), label
        assert [t for t in texts if not t["inSvg"] or not t["inShape"]] == []
        # Mermaid's rules reach its drawings: a sequence diagram's messages have a line.
        strokes = page.evaluate("[...document.querySelectorAll('.tb-diagram svg line[class^=messageLine]')]"
                                ".filter(l => l.getBoundingClientRect().width > 0).map(l => getComputedStyle(l).stroke)")
        assert len(strokes) == 2 and "none" not in strokes, strokes
        # Graphviz draws in the text colour of the mode, Mermaid in its theme for the mode.
        ink = page.evaluate("getComputedStyle(document.querySelector('.tb-diagram-graphviz svg')).color")
        body = page.evaluate("getComputedStyle(document.querySelector('.bd-article')).color")
        assert ink == body
        assert page.watch.foreign_requests == []
        assert page.watch.console_errors == []
        results = Axe().run(page)
        serious = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == []
        screenshot(page, f"diagrams-{mode}")
    finally:
        context.close()


def test_diagrams_fit_a_phone(browser, site_url):
    context, page = _open(browser, site_url, "light", width=375)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        screenshot(page, "diagrams-375-light")
    finally:
        context.close()
