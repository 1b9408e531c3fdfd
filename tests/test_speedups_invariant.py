"""The speed layer changes how fast the site is built, never what is built.

The sample site, and a small site with every kind of node the posts use, are
built with the layer on and off (``-D techblog_speedups=0``), serially and
with ``-j 2``: every file a reader can fetch is the same.  A speedup whose
package is not the version it was verified against stands down, says so in one
line, and the site is still the same.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .sitebuild import ROOT, Build, make_site, sphinx_build
from .sitebuild import post as post_source
from .test_incremental import NOW, assert_same_site, outputs
from .test_transform_gates import WITH_EVERY_KIND

# |today| is the day of the build: a build that spans midnight would differ
# (tests/test_transform_gates.py pins it).
EVERY_KIND = WITH_EVERY_KIND.replace("|today|", "今日")

OFF = ("-D", "techblog_speedups=0")

EVERY_KIND_OF_POST = """\
## 構成

:::{note}
注記の本文。`inline code` と **強調** と [ドキュメント](../../docs/guide.md)。
:::

:::{warning}
警告の本文。
:::

```python
def handler(event: dict) -> str:
    return "こんにちは"  # コメント
```

```console
$ make html
```

```python:scripts/check.py
print("ファイル名つき")
```

```diff js:src/app.js
-let retries = 1;
+const retries = 3;
```

```mermaid 切り替えの流れ
flowchart LR
  LB[ロードバランサー] --> APP[アプリケーション]
```

```dot
digraph G { "東京" -> "大阪" [label="複製"]; }
```

| 項目 | 値 |
|---|---|
| 接続数 | 100 |

用語
: 定義リストの説明。

:担当: 田中
:期限: 2026-03-01

### 小見出し <&>

- 箇条書き
  - 入れ子
1. 番号付き

> 引用の文。

![図の説明](../../_static/favicon.svg)

<https://example.com/> と [外部リンク](https://example.com/docs) と {doc}`/docs/guide`。
"""


def _every_kind_site(root):
    site = make_site(root, {
        "posts/2026/a.md": post_source(date="2026-01-10 10:00", h1="記事 A", body=EVERY_KIND_OF_POST,
                                       tags="[障害対応, PostgreSQL]", extra="series: pg16"),
        "posts/2026/b.md": post_source(date="2026-02-10 10:00", h1="記事 B", body=EVERY_KIND, author="suzuki",
                                       tags="[PostgreSQL]", extra="series: pg16"),
        "posts/2025/c.md": post_source(date="2025-12-10 10:00", h1="記事 C & <D>", category="event",
                                       author="[tanaka, suzuki]"),
    })
    (site / "docs").mkdir(exist_ok=True)
    (site / "docs" / "guide.md").write_text("---\norphan: true\n---\n\n# 手引き\n\n[記事 A](../posts/2026/a.md) を読んでください。\n", encoding="utf-8")
    return site


def _built(src, out, *args, env) -> Build:
    build = sphinx_build(src, out, *args, env=env)
    assert build.returncode == 0, build.output
    return build


@pytest.mark.parametrize("args", [OFF, ("-j", "2", *OFF), ("-j", "2")], ids=["serial-off", "parallel-off", "parallel-on"])
def test_the_sample_site_is_the_same_with_the_speed_layer_off(sample, tmp_path, args):
    # The session's sample site is the serial build with the layer on (every sample post is in the past).
    assert len(outputs(sample)) > 100
    assert "posts/2026/yokohama-office.html" in outputs(sample)
    assert_same_site(_built(ROOT, tmp_path / "out", *args, env={}), sample)


@pytest.mark.parametrize("jobs", [(), ("-j", "2")], ids=["serial", "parallel"])
def test_a_site_with_every_kind_of_node_is_the_same_with_the_speed_layer_off(tmp_path, jobs):
    src = _every_kind_site(tmp_path / "site")
    on = _built(src, tmp_path / "on", *jobs, env=NOW)
    off = _built(src, tmp_path / "off", *jobs, *OFF, env=NOW)
    page = on.html("posts/2026/a.html")
    for made in ('class="admonition note"', 'class="highlight-python', 'class="highlight-console',
                 "<table", "<dl", "field-list", "<blockquote", "<img", 'class="footnote-reference'):
        assert made in page + on.html("posts/2026/b.html"), made
    assert_same_site(on, off)


def test_an_incremental_build_with_the_layer_on_equals_a_clean_one_with_it_off(tmp_path):
    src = _every_kind_site(tmp_path / "site")
    _built(src, tmp_path / "on", env=NOW)
    (src / "posts/2026/d.md").write_text(post_source(date="2026-03-10 10:00", h1="記事 D", tags="[PostgreSQL]"),
                                         encoding="utf-8")
    again = sphinx_build(src, tmp_path / "on", env=NOW, reread=False)
    assert again.returncode == 0, again.output
    assert_same_site(again, _built(src, tmp_path / "off", *OFF, env=NOW))



def test_switching_the_layer_off_in_a_built_folder_gives_the_clean_build_with_it_off(tmp_path):
    # The environment the layer wrote (ablog's posts without their doctree copies) is not the
    # one the plain path reads: a post's image in the feeds came out under a doubled folder.
    src = _every_kind_site(tmp_path / "site")
    _built(src, tmp_path / "switched", env=NOW)
    switched = sphinx_build(src, tmp_path / "switched", *OFF, env=NOW, reread=False)
    assert switched.returncode == 0, switched.output
    assert_same_site(switched, _built(src, tmp_path / "off", *OFF, env=NOW))

# sphinx-build as on the command line, after pretending myst-parser is another version.
DRIFTED = """
import sys
import techblog.speedups.layer as layer
real = layer.installed_version
layer.installed_version = lambda name: "9.9.9" if name == "myst-parser" else real(name)
import myst_parser.parsers.sphinx_ as myst_sphinx
import sphinx.builders.html as sphinx_html
before = (myst_sphinx.create_md_parser, sphinx_html.StandaloneHTMLBuilder.render_partial)
from sphinx.cmd.build import main
status = main(sys.argv[1:])
# Every replacement is undone once the build has finished, those of the speedups that ran too.
assert (myst_sphinx.create_md_parser, sphinx_html.StandaloneHTMLBuilder.render_partial) == before
sys.exit(status)
"""


def test_a_speedup_whose_package_drifted_stands_down_and_says_so(tmp_path):
    src = _every_kind_site(tmp_path / "site")
    normal = _built(src, tmp_path / "normal", env=NOW)
    assert "を止めました" not in normal.output
    out = tmp_path / "drifted"
    proc = subprocess.run([sys.executable, "-c", DRIFTED, "--no-color", "-E", "-W", "--keep-going", "-b", "html",
                           str(src), str(out)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0", **NOW})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    stood_down = [line for line in proc.stdout.splitlines() if "を止めました" in line]
    # One line per speedup that touches myst-parser, naming it, the package and both versions.
    assert sorted(line.split("高速化 ")[1].split(" ")[0] for line in stood_down) == \
        ["docutils_settings", "frontmatter_yaml", "markdown_parser"]
    for line in stood_down:
        assert "myst-parser 9.9.9（確かめた版は 5.2.0）" in line
        assert "docs/tech/upgrading.md" in line
    assert_same_site(Build(src, out, proc.returncode, proc.stdout), normal)
