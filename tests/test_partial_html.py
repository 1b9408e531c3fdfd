"""Titles and page tables of contents made without the docutils writer equal Sphinx's."""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment.adapters.toctree import document_toc

from techblog.speedups.partial_html import fast_parts

from .sitebuild import build_here, make_site
from .sitebuild import post as post_source
from .test_incremental import NOW

TRICKY = """"引用" と 'single' -- a < b & c > d @example 🚀"""


def compare(app) -> dict[str, list]:
    """Every page's title and table of contents rendered both ways, after the build."""
    sphinx_render = StandaloneHTMLBuilder.render_partial  # Sphinx's own again: the build's replacements are undone
    assert not hasattr(sphinx_render, "__wrapped__")
    counts = {"fast": [], "sphinx": [], "different": []}
    for docname in sorted(app.env.found_docs):
        for node in (app.env.longtitles.get(docname), document_toc(app.env, docname, app.builder.tags)):
            if node is None:
                continue
            fast = fast_parts(node.deepcopy())
            expected = sphinx_render(app.builder, node.deepcopy())
            if fast is None:
                counts["sphinx"].append([docname, node.tagname])
            elif fast == expected:
                counts["fast"].append([docname, node.tagname])
            else:
                counts["different"].append([docname, fast, expected])
    return counts


def test_fast_titles_and_tables_of_contents_equal_sphinxs(tmp_path, make_app):
    src = make_site(tmp_path / "site", {
        "posts/2026/a.md": post_source(date="2026-01-10 10:00", h1=f"記事 {TRICKY}", body=f"""\
            ## 背景 {TRICKY}

            本文。

            ### 詳細 ...

            本文。

            ## 終わりに
            """),
        "posts/2026/d.md": post_source(date="2026-04-10 10:00", h1="コードの見出し", body="## `code` を含む見出し\n\n本文。\n"),
        "posts/2026/b.md": post_source(date="2026-02-10 10:00", h1="見出しのない記事"),
        "posts/2026/c.md": post_source(date="2026-03-10 10:00", h1="平らな目次", body="## 一\n\n本文。\n\n## 二\n\n本文。\n"),
    })
    build = build_here(src, tmp_path / "out", env=NOW, make_app=make_app)
    assert build.returncode == 0, build.output
    counts = compare(build.app)
    assert counts["different"] == [], counts
    # Every title, and the tables of contents of the pages without code in a heading.
    assert len(counts["fast"]) == 9
    assert counts["sphinx"] == [["posts/2026/d", "bullet_list"]]


def _toc(*items) -> nodes.bullet_list:
    bullets = nodes.bullet_list()
    for title, anchor, children in items:
        reference = nodes.reference("", "", nodes.Text(title), internal=True, refuri=anchor, anchorname=anchor)
        item = nodes.list_item("", addnodes.compact_paragraph("", "", reference))
        if children:
            item += _toc(*children)
        bullets += item
    return bullets


def test_a_plain_table_of_contents_is_made_here():
    toc = _toc(("記事 & <a>", "#", [("節", "#id1", []), ("節 2", "#id2", [("小節", "#id3", [])])]))
    assert fast_parts(toc) == {"title": "", "fragment": (
        '<ul>\n<li><a class="reference internal" href="#">記事 &amp; &lt;a&gt;</a><ul>\n'
        '<li><a class="reference internal" href="#id1">節</a></li>\n'
        '<li><a class="reference internal" href="#id2">節 2</a><ul>\n'
        '<li><a class="reference internal" href="#id3">小節</a></li>\n</ul>\n</li>\n</ul>\n</li>\n</ul>\n')}


def test_other_shapes_are_left_to_sphinx():
    with_classes = _toc(("記事", "#", []))
    with_classes[0]["classes"].append("current")
    with_markup = _toc(("記事", "#", []))
    with_markup[0][0][0] += nodes.literal("", "code")
    with_toctree = nodes.bullet_list("", nodes.list_item("", addnodes.toctree()))
    title_with_markup = nodes.title("", "", nodes.Text("a "), nodes.emphasis("", "b"))
    for node in (with_classes, with_markup, with_toctree, title_with_markup, nodes.paragraph("", "p")):
        assert fast_parts(node) is None
    assert fast_parts(nodes.title("", "A & B")) == {"fragment": "", "title": "A &amp; B"}
