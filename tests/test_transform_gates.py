"""Transforms skipped on pages without their nodes: the same site as with every transform run."""

from __future__ import annotations

import pickle

import docutils.parsers.rst
import docutils.utils
from docutils import frontend, nodes
from sphinx import addnodes

from techblog.speedups import transform_gates
from techblog.speedups.transform_gates import has_any

from .sitebuild import build_here, make_site
from .sitebuild import post as post_source
from .test_incremental import NOW, assert_same_site, outputs

WITH_EVERY_KIND = """\
本文に脚注があります[^note]。

[^note]: 脚注の本文。

```{glossary}
:sorted:

エラーバジェット
  目標から逆算した、許される失敗の量。

SLO
  サービスレベル目標。
```

```{index} single: 監視; 設計
```

```{eval-rst}
置き換え: |today|。引用 [RFC9110]_。

.. [RFC9110] HTTP Semantics.

>>> 1 + 1
2

.. c:function:: int connect(int timeout)

.. c:alias:: connect
```
"""


def test_a_site_built_with_the_gates_is_the_site_built_without(tmp_path, monkeypatch):
    src = make_site(tmp_path / "site", {
        "posts/2026/a.md": post_source(date="2026-01-10 10:00", h1="記事 A", body="## 節\n\n本文。\n"),
        "posts/2026/b.md": post_source(date="2026-02-10 10:00", h1="記事 B", body=WITH_EVERY_KIND),
    })
    pinned = {"today": "2026年6月1日"}
    builds = {"gated": build_here(src, tmp_path / "gated", confoverrides=pinned, env=NOW)}
    with monkeypatch.context() as every_transform:
        every_transform.setattr(transform_gates, "GATES", {})
        builds["every-transform"] = build_here(src, tmp_path / "every-transform", confoverrides=pinned, env=NOW)
    for build in builds.values():
        assert build.returncode == 0, build.output
    page = builds["gated"].html("posts/2026/b.html")
    # Each kind of node was there and changed as Sphinx changes it.
    for made in ('class="footnote-reference', 'id="term-SLO"', "置き換え: 2026年6月1日。",
                 'href="#rfc9110"', 'class="doctest', 'id="c.connect"'):
        assert made in page, made
    assert "|today|" not in page
    assert page.index("term-SLO") < page.index("term-0")  # the glossary sorted: SLO before エラーバジェット
    assert len(outputs(builds["gated"])) > 20
    assert_same_site(builds["gated"], builds["every-transform"])
    # Also what no page shows (the footnotes' docname, for LaTeX): the doctrees are the same.
    gated = _doctrees(builds["gated"])
    assert gated == _doctrees(builds["every-transform"])
    assert any(line.lstrip().startswith("<footnote ") and 'docname="posts/2026/b"' in line
               for line in gated["posts/2026/b.doctree"].splitlines())


def _doctrees(build) -> dict[str, str]:
    folder = build.doctrees
    trees = {path.relative_to(folder).as_posix(): pickle.loads(path.read_bytes()).pformat()
             for path in folder.rglob("*.doctree")}
    return trees


def test_the_kinds_of_node_of_a_page_are_listed_with_their_subclasses():
    document = docutils.utils.new_document("<test>", frontend.get_default_settings(docutils.parsers.rst.Parser))
    document += nodes.paragraph("", "", nodes.footnote_reference("", "1"))
    assert has_any(document, (nodes.footnote, nodes.footnote_reference))
    assert not has_any(document, (addnodes.glossary,))
    assert has_any(document, (nodes.Inline,))  # a subclass counts
    assert not has_any(document, (nodes.citation,))
