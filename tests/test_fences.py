"""Fences as writers type them on Zenn and Qiita, beside MyST's own options: built without a warning."""

from __future__ import annotations

import re

import pytest

from .sitebuild import build_here, make_site, post

BODY = """\
ファイル名つきのフェンスです。

```js:src/app.js
console.log("こんにちは");
```

```python:scripts/check_日本語.py
print(1)
```

MyST の書き方です。

```{code-block} python
:caption: MyST のキャプション
:emphasize-lines: 2
:linenos:

a = 1
b = 2
```

差分です。

```diff
- old = 1
+ new = 2
```

言語つきの差分です。

```diff js:src/app.js
 const message = "複数行の
-文字列";
+文字列です";
-let retries = 1;
+const retries = 3;

 console.log(message, retries);
```

```diff python
@@ -1,2 +1,2 @@
-TIMEOUT = 5
+TIMEOUT = 30
 print(TIMEOUT)
```
"""


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    root = tmp_path_factory.mktemp("fences")
    build = build_here(make_site(root / "site", {"posts/2026/code.md": post(h1="コード", body=BODY),
                                                "posts/2026/prose.md": post(h1="文章だけ", date="2026-01-11 10:00")}),
                       root / "out")
    assert build.returncode == 0, build.output  # -W: no "Pygments lexer name 'js:src/app.js' is not known"
    assert "lexer" not in build.output
    return build


@pytest.fixture(scope="module")
def page(build):
    return build.html("posts/2026/code.html")


def test_only_pages_with_code_load_the_copy_button(build, page):
    for name in ("clipboard.min.js", "copybutton.js", "techblog-copybutton-ja.js", "copybutton.css"):
        assert f"_static/{name}" in page, name
        for other in ("posts/2026/prose.html", "index.html", "blog/tag/incident-response.html"):
            assert f"_static/{name}" not in build.html(other), (name, other)


def _block_after(page: str, caption: str) -> str:
    start = page.index(f'caption-text">{caption}</span>')
    return page[start:page.index("</pre>", start)]


def test_a_file_name_fence_is_highlighted_as_its_language_under_its_file_name(page):
    js = _block_after(page, "src/app.js")
    assert '<div class="code-block-caption"><span class="tb-file-name caption-text">src/app.js</span>' in page
    assert "highlight-js" in js and '<span class="nx">console</span>' in js
    python = _block_after(page, "scripts/check_日本語.py")
    assert "highlight-python" in python and '<span class="nb">print</span>' in python


def test_mysts_own_caption_emphasis_and_line_numbers_still_work(page):
    block = _block_after(page, "MyST のキャプション")
    assert "highlight-python" in block and '<span class="hll">' in block and 'class="linenos"' in block


def test_a_diff_fence_marks_added_and_removed_lines(page):
    assert re.search(r'<span class="gd">- old = 1', page) and re.search(r'<span class="gi">\+ new = 2', page)


def _diff_block(page: str, language: str, after: str = "") -> str:
    start = page.index(f'<div class="highlight-diff-{language} notranslate">', page.index(after) if after else 0)
    return page[start:page.index("</pre>", start)]


def test_a_diff_with_a_language_keeps_its_highlighting_on_each_line(page):
    js = _diff_block(page, "js", after='caption-text">src/app.js</span>')
    # the file name as caption, markers as diff spans, the code as JavaScript
    assert '<span class="hll"><span class="gd">-</span><span class="kd">let</span>' in js
    assert '<span class="hll"><span class="gi">+</span><span class="kd">const</span>' in js
    # a string over two lines stays a string: each version is highlighted as a whole
    assert '<span class="s2">文字列";</span>' in js.replace('</span><span class="p">;', ";")
    # only the changed lines are marked: not the context, not an empty line
    assert js.count('<span class="hll">') == 4
    python = _diff_block(page, "python")
    assert '<span class="gu">@@ -1,2 +1,2 @@</span>' in python
    assert '<span class="hll"><span class="gi">+</span><span class="n">TIMEOUT</span>' in python
    assert '<span class="mi">30</span>' in python


def test_a_diff_in_an_unknown_language_is_reported_at_its_line(tmp_path):
    body = "差分です。\n\n```diff nosuchlang\n-a\n+b\n```\n"
    build = build_here(make_site(tmp_path / "site", {"posts/2026/bad.md": post(h1="差分", body=body)}), tmp_path / "out")
    assert build.returncode != 0
    line = post(h1="差分", body=body).splitlines().index("```diff nosuchlang") + 1
    assert f"posts/2026/bad.md:{line}: ERROR: ```diff nosuchlang の「nosuchlang」は Pygments の言語名ではありません" in build.output
