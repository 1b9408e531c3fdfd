"""The speed seams give the same answers as the code they stand in for."""

from __future__ import annotations

import os
import pickle
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import ablog.blog
import docutils.parsers.rst
import docutils.utils
import jinja2
import pydata_sphinx_theme
import pytest
import sphinx.environment as sphinx_environment
import sphinx_book_theme
import yaml
from docutils import frontend, nodes
from sphinx.util._pathlib import _StrPath

from techblog.content import posts
from techblog.reader import related
from techblog.reader.pages import Fields
from techblog.speedups import (
    ablog_posts,
    collection_order,
    env_values,
    frontmatter_yaml,
    layout_fragments,
    outdated_files,
    template_cache,
)
from techblog.speedups.page_files import OverwrittenPath
from techblog.speedups.theme import _lists_page_toc, _UrlTemplate

from .sitebuild import ROOT, build_here, make_site, sphinx_build
from .sitebuild import post as post_source
from .test_incremental import NOW, assert_same_site, outputs


@dataclass(eq=False)
class Meta:
    docname: str
    date: datetime
    tags: list
    category: str | None
    series: str | None


def catalog(rng: random.Random, n: int) -> list[Meta]:
    start = datetime(2024, 1, 1)
    return [
        Meta(f"posts/p{i}", start + timedelta(days=rng.randint(0, 60)),  # many equal dates: ties must keep order
             rng.sample(["a", "b", "c", "d", "e", "f"], rng.randint(0, 3)),
             rng.choice(["tech", "event", None]), rng.choice([None, None, "s1", "s2"]))
        for i in range(n)
    ]


def test_indexed_related_posts_equal_the_reader_footer_choice():
    original, fast, RelatedIndex = related.by_scoring, related.related, related.RelatedIndex  # noqa: N806
    rng = random.Random(6)
    for n in (1, 2, 5, 40, 120):
        posts = catalog(rng, n)
        newest_first = sorted(posts, key=lambda m: m.date, reverse=True)
        for candidates in (posts, newest_first):
            for post in posts:
                want = [m.docname for m in original(post, candidates)]
                assert [m.docname for m in fast(post, candidates)] == want
                assert [m.docname for m in RelatedIndex(candidates).related(post, 1, 2)] == \
                    [m.docname for m in original(post, candidates, 1, 2)]


def test_indexed_related_posts_and_series_with_many_tags_and_a_post_outside_the_candidates():
    rng = random.Random(9)
    tags = [f"t{i}" for i in range(12)]
    for n in (70, 300):
        metas = [Meta(f"posts/q{i}", datetime(2024, 1, 1) + timedelta(days=rng.randint(0, 90)),
                      rng.choices(tags, k=rng.randint(0, 7)),  # repeated tags count once
                      rng.choice(["tech", "event", None]), rng.choice([None, "s1", "s2", "s3"]))
                 for i in range(n)]
        index = related.RelatedIndex(metas)
        outside = Meta("posts/draft", datetime(2024, 2, 1), tags[:5], "tech", "s1")
        for post in [*metas, outside]:
            for minimum, maximum in ((3, 5), (0, 1), (8, 12)):
                assert [m.docname for m in index.related(post, minimum, maximum)] == \
                    [m.docname for m in related.by_scoring(post, metas, minimum, maximum)]
            assert related.series_parts(post, metas) == \
                sorted((m for m in metas if post.series and m.series == post.series), key=lambda m: m.date)


def test_neighbours_are_the_prev_and_next_of_a_scan_of_all_posts():
    rng = random.Random(8)
    for n in (1, 2, 3, 40, 200):
        metas = catalog(rng, n)  # many posts share a date
        cat = posts.Catalog({}, None, False)
        cat._built = {m.docname: m for m in metas}
        newest = cat.newest_first()
        for meta in metas:
            older = [m for m in newest if m.date < meta.date]
            newer = [m for m in newest if m.date > meta.date]
            assert cat.neighbours(meta) == (older[0] if older else None, newer[-1] if newer else None)


TOCS = [
    "",  # a page without headings
    '<ul>\n<li><a class="reference internal" href="#">タイトルだけ</a></li>\n</ul>\n',
    '<ul>\n<li><a class="reference internal" href="#">タイトル</a><ul>\n'
    '<li><a class="reference internal" href="#a">節 A</a><ul>\n'
    '<li><a class="reference internal" href="#a-1">小節 A-1</a><ul>\n'
    '<li><a class="reference internal" href="#a-1-x">項 A-1-x</a></li>\n</ul>\n</li>\n</ul>\n</li>\n'
    '<li><a class="reference internal" href="#b">節 B <code>code</code></a></li>\n</ul>\n</li>\n</ul>\n',
    '<ul>\n<li><a class="reference internal" href="#">タイトル</a><ul>\n'
    '<li><a class="reference internal" href="#c">節 C</a></li>\n</ul>\n</li>\n</ul>\n',
    # Inline markup and entities in headings, four levels deep.
    '<ul>\n<li><a class="reference internal" href="#">記事 &amp; &quot;引用&quot; &lt;tag&gt;</a><ul>\n'
    '<li><a class="reference internal" href="#pg-upgrade"><code class="docutils literal notranslate">'
    '<span class="pre">pg_upgrade</span></code> の<em>手順</em>と&#39;注意&#39;</a><ul>\n'
    '<li><a class="reference internal" href="#id1">三</a><ul>\n'
    '<li><a class="reference internal" href="#id2">四&nbsp;段目</a></li>\n</ul>\n</li>\n</ul>\n</li>\n</ul>\n</li>\n</ul>\n',
    # Two top-level headings: the theme treats them as sections.
    '<ul>\n<li><a class="reference internal" href="#one">一</a><ul>\n'
    '<li><a class="reference internal" href="#one-a">一の A</a></li>\n</ul>\n</li>\n'
    '<li><a class="reference internal" href="#two">二</a></li>\n</ul>\n',
]


def _theme_toc(context: dict):
    """pydata-sphinx-theme's own ``generate_toc_html`` for a page context."""
    from pydata_sphinx_theme import toctree

    context = dict(context)
    toctree.add_toctree_functions(None, "posts/x", "page.html", context, None)
    return context["generate_toc_html"]


@pytest.mark.parametrize("toc", TOCS)
@pytest.mark.parametrize("level", [1, 2])
@pytest.mark.parametrize("kind", ["html", "soup"])
def test_page_toc_equals_the_theme_toc(toc, level, kind):
    from techblog.speedups.page_toc import toc_html_function

    context = {"toc": toc, "theme_show_toc_level": level}
    ours = toc_html_function(context, _theme_toc(context))
    assert str(ours(kind)) == str(_theme_toc(context)(kind))


@pytest.mark.parametrize("toc", [toc for toc in TOCS if toc])
def test_page_toc_of_sphinx_shape_is_made_without_beautifulsoup(toc):
    from techblog.speedups.page_toc import fast_toc_html

    fast_toc_html(toc, 1)  # raises when it would leave the page to the theme's function


@pytest.mark.parametrize("toc", [
    '<ul>\n<li><a href="#a">A</a></li>\n</ul>\n<ul>\n<li><a href="#b">B</a></li>\n</ul>\n',  # two lists
    '<ul>\n<li>no link <a href="#a">A</a></li>\n</ul>\n',
    '<ul>\n<li><a href="#a">A</a><ul>\n<li><a href="#b">B</a></li>\n</ul>\n<ul>\n<li><a href="#c">C</a></li>\n</ul>\n</li>\n</ul>\n',
    "<ul>\n<li><a href='#a'>A</a></li>\n</ul>\n",  # quoted otherwise than Sphinx does
    '<ul>\n<li><a href="#a">A</a></ul>\n</li>\n',  # closed out of order
    '</li></ul><ul>\n<li><a href="#a">A</a></li>\n</ul>\n',
    '<ul>\n<li><a href="#a">A</a><ul>\n<li><a href="#b">B</a></li>\n',  # never closed
])
@pytest.mark.parametrize("level", [1, 2])
def test_page_toc_of_another_shape_is_the_theme_toc(toc, level):
    from techblog.speedups.page_toc import _Unexpected, fast_toc_html, toc_html_function

    context = {"toc": toc, "theme_show_toc_level": level}
    theme = str(_theme_toc(context)())
    try:
        assert fast_toc_html(toc, level) == theme  # made as a string only when it comes out the same
    except _Unexpected:
        pass  # left to the theme's function
    assert str(toc_html_function(context, _theme_toc(context))()) == theme


def test_page_toc_without_a_toc_is_empty():
    from techblog.speedups.page_toc import toc_html_function

    assert toc_html_function({}, _theme_toc({}))() == ""


def _topics(posts: list[Meta]) -> dict:
    return {m.docname: (tuple(m.tags), m.category, m.series, m.date) for m in posts}


def _lists(posts: list[Meta]) -> dict:
    original = related.by_scoring
    return {m.docname: [o.docname for o in original(m, posts)] for m in posts}


def _changed(rng: random.Random, posts: list[Meta]) -> list[Meta]:
    posts = [Meta(m.docname, m.date, list(m.tags), m.category, m.series) for m in posts]
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["add", "remove", "tags", "date", "category", "series"])
        if kind == "add" or len(posts) < 2:
            posts += catalog(rng, 1)
            posts[-1].docname = f"posts/new{rng.random()}"
        elif kind == "remove":
            posts.pop(rng.randrange(len(posts)))
        else:
            post = rng.choice(posts)
            if kind == "tags":
                post.tags = rng.sample(["a", "b", "c", "d", "e", "f", "g"], rng.randint(0, 3))
            elif kind == "date":
                post.date += timedelta(days=rng.randint(-30, 30))
            elif kind == "category":
                post.category = rng.choice(["tech", "event", "culture", None])
            else:
                post.series = rng.choice([None, "s1", "s2", "s3"])
    return posts


def test_related_lists_kept_after_a_change_are_the_ones_computed_again():
    rng = random.Random(11)
    kept_any = 0
    for n in (3, 20, 60, 150):
        for _ in range(40):
            before = catalog(rng, n)
            after = _changed(rng, before)
            old_lists, new_lists = _lists(before), _lists(after)
            kept = related.still_related(_topics(before), _topics(after), old_lists)
            for docname, chosen in kept.items():
                assert chosen == new_lists[docname], docname
            kept_any += len(kept)
    assert kept_any > 1000  # the check is not vacuous: many lists are kept



def test_pages_rendered_without_the_sandbox_are_the_pages_rendered_in_it(tmp_path, monkeypatch):
    src = make_site(tmp_path / "site", {
        "posts/2026/a.md": post_source(date="2026-01-10 10:00", h1="記事 A & <B>", body="本文と `code` と **強調**。"),
        "posts/2026/b.md": post_source(date="2026-02-10 10:00", h1="記事 B", tags="[PostgreSQL]", author="suzuki"),
    })
    builds, environments = {}, {}
    for kind in ("sandboxed", "plain"):
        with monkeypatch.context() as sandboxed:
            if kind == "sandboxed":
                sandboxed.setattr(template_cache, "SandboxedEnvironment", type(None))  # nothing matches: it stays
            builds[kind] = build_here(src, tmp_path / kind, env=NOW)
        assert builds[kind].returncode == 0, builds[kind].output
        environments[kind] = type(builds[kind].app.builder.templates.environment).__name__
    assert environments == {"sandboxed": "SandboxedEnvironment", "plain": "Environment"}
    assert len(outputs(builds["plain"])) > 20
    assert_same_site(builds["plain"], builds["sandboxed"])


def test_debug_output_still_shows_with_vv(tmp_path):
    src = make_site(tmp_path / "site", {"posts/2026/a.md": post_source(date="2026-01-10 10:00")})
    quiet = sphinx_build(src, tmp_path / "default", env=NOW)
    verbose = sphinx_build(src, tmp_path / "verbose", "-vv", env=NOW)
    assert quiet.returncode == 0 and verbose.returncode == 0, verbose.output
    assert "emitting event" not in quiet.output and "writing output" in quiet.output
    assert "[app] emitting event: 'doctree-read'" in verbose.output


def test_a_pages_own_myst_options_apply_to_that_page_only(tmp_path):
    # Pages are read in name order: b's own options come between two pages that share the parser.
    page = "---\norphan: true\n{}---\n\n# {}\n\n本文 **{}**。\n"
    meta = "myst:\n  html_meta:\n    keywords: ページごとの設定\n"
    src = make_site(tmp_path / "site", {
        "docs/a.md": page.format("", "A", "A"),
        "docs/b.md": page.format(meta, "B", "B"),
        "docs/c.md": page.format("", "C", "C"),
    })
    build = build_here(src, tmp_path / "out", env=NOW)
    assert build.returncode == 0, build.output
    tag = '<meta content="ページごとの設定" name="keywords" />'
    assert tag in build.html("docs/b.html")
    assert tag not in build.html("docs/a.html") and tag not in build.html("docs/c.html")
    assert "<strong>C</strong>" in build.html("docs/c.html")


def test_markdown_parser_is_made_once_for_pages_without_their_own_options():
    from types import SimpleNamespace

    from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer

    from techblog.speedups import markdown_parser

    made = []

    def original(config, renderer):
        made.append(config)
        return SimpleNamespace(render=lambda text: create(config, renderer))  # a page parsed inside a render

    create = markdown_parser.reuse_parser(original)
    merge = markdown_parser.merge_only_when_needed(lambda config, topmatter, warning: ("merged", config))
    config = object()
    assert merge(config, {"date": "2026-01-10"}, None) is config
    assert merge(config, {"myst": {"html_meta": {}}}, None) == ("merged", config)
    parser = create(config, SphinxRenderer)
    assert create(config, SphinxRenderer) is parser and made == [config]
    assert parser.render("text") is not parser  # re-entrant: its own parser
    assert create(config, SphinxRenderer) is parser and made == [config, config]
    create(object(), SphinxRenderer)
    assert len(made) == 3


def test_a_written_doctree_is_freed_without_the_cycle_collector():
    import gc
    import pickle
    import weakref

    from docutils import nodes
    from docutils.core import publish_doctree

    from techblog.speedups.gc_tuning import unlink

    def doctree():
        tree = publish_doctree("題\n==\n\n本文 *強調* と `リンク <https://example.com>`_。\n\n- 項目\n\n節\n--\n\n段落。\n")
        tree.transformer = tree.reporter = None  # as Sphinx keeps a read doctree (Builder.write_doctree)
        return pickle.loads(pickle.dumps(tree))  # the tree alone, without the rST parser's own cycles

    gc.collect()
    gc.disable()
    try:
        kept = doctree()
        kept_ref = weakref.ref(kept)
        del kept
        assert kept_ref() is not None  # the tree's own links keep it until a full collection

        tree = doctree()
        refs = [weakref.ref(tree), weakref.ref(next(iter(tree.findall(nodes.emphasis))))]
        unlink(tree)
        del tree
        assert [ref() for ref in refs] == [None, None]
    finally:
        gc.enable()


def test_replacements_are_undone_in_reverse_order_and_inherited_names_come_back_inherited():
    from techblog.compat.patching import Patches

    class Base:
        def f(self):
            return 1

    class Child(Base):
        pass

    module = SimpleNamespace(g=lambda x: x + 1)
    patches = Patches()
    patches.replace(Child, "f", lambda original: lambda self: original(self) * 10)
    patches.replace(module, "g", lambda original: lambda x: original(x) * 10)
    patches.replace(module, "g", lambda original: lambda x: original(x) + 5)  # wraps the first replacement
    assert Child().f() == 10 and module.g(1) == 25
    patches.undo()
    assert Child().f() == 1 and "f" not in vars(Child)  # inherited again, not a copy of Base.f
    assert module.g(1) == 2
    patches.undo()  # nothing left to undo
    assert module.g(1) == 2


def test_a_shadowed_method_is_the_objects_own_for_the_block_only():
    from techblog.speedups.ablog_posts import shadowed

    document = nodes.section("", nodes.title("", "題"))
    with pytest.raises(RuntimeError), shadowed(document, "deepcopy", nodes.section):
        assert len(document.deepcopy()) == 0  # the stand-in, not a copy of the title
        raise RuntimeError  # the class's method comes back after an error too
    assert len(document.deepcopy()) == 1
    assert "deepcopy" not in vars(document)


def test_the_standard_domain_scans_its_labels_only_for_pages_read_before():
    from types import SimpleNamespace

    from sphinx.domains.std import StandardDomain

    from techblog.speedups.first_read import _only_pages_read_before

    class Std(StandardDomain):
        def __init__(self):
            self.data = {}

        def clear_doc(self, docname):
            scanned.append(docname)

    class Other:
        def clear_doc(self, docname):
            asked.append(docname)

    scanned, asked, original = [], [], []
    clear_doc = _only_pages_read_before(lambda env, docname: original.append(docname))
    std = Std()
    env = SimpleNamespace(all_docs={"posts/2026/old": 1}, domains={"std": std, "citation": Other()})
    clear_doc(env, "posts/2026/old")
    clear_doc(env, "posts/2026/new")
    assert original == ["posts/2026/old"]
    assert (scanned, asked) == ([], ["posts/2026/new"])
    # The standard domain's tables exist all the same: -j merges the workers' tables by these keys.
    assert {"progoptions", "objects", "terms", "labels", "anonlabels"} <= std.data.keys()


def test_a_label_taken_out_of_a_page_is_gone_after_an_incremental_build(tmp_path):
    orphan = "---\norphan: true\n---\n"
    docs = {"docs/a.md": orphan + "# A\n\n(shared-label)=\n## 見出し\n", "docs/b.md": orphan + "# B\n\n{ref}`shared-label`\n"}
    src = make_site(tmp_path / "site", docs)
    first = build_here(src, tmp_path / "out", reread=False)
    assert first.returncode == 0, first.output
    assert "shared-label" not in first.output
    (src / "docs/a.md").write_text(orphan + "# A\n\n## 見出し\n", encoding="utf-8")
    (src / "docs/b.md").write_text(orphan + "# B\n\n{ref}`shared-label`\n\n書き足し\n", encoding="utf-8")
    second = build_here(src, tmp_path / "out", reread=False)
    assert "shared-label" in second.output  # the reference no longer resolves: the label was cleared


def test_ablog_reads_the_iso_post_dates_as_dateutil_does():
    from dateutil.parser import parse

    from techblog.speedups.ablog_posts import _iso_dates_first

    read = _iso_dates_first(parse)
    for text in ("2026-01-10 10:00:00", "2026-01-10 00:00:00", "2019-12-31 23:59:00"):
        assert read(text) == parse(text)
        assert read(text).tzinfo is None
    assert read("10 January 2026") == datetime(2026, 1, 10)  # other forms still go to dateutil


def test_the_page_toc_shows_exactly_when_the_page_has_sections(tmp_path):
    sections = post_source(date="2026-01-10 10:00", h1="節のある記事", body="本文。\n\n## 一つ目の節\n\n本文。\n")
    src = make_site(tmp_path / "site", {"posts/2026/a.md": sections,
                                        "posts/2026/b.md": post_source(date="2026-01-11 10:00", h1="節のない記事")})
    build = build_here(src, tmp_path / "out", env=NOW)
    assert build.returncode == 0, build.output
    with_sections, without = build.html("posts/2026/a.html"), build.html("posts/2026/b.html")
    assert 'id="pst-page-toc-nav"' in with_sections and "一つ目の節" in with_sections
    # The heading the nav is labelled by is on the page (the theme's check no longer takes its id first).
    assert 'id="pst-page-navigation-heading"' in with_sections
    assert 'aria-labelledby="pst-page-navigation-heading"' in with_sections
    assert 'id="pst-page-toc-nav"' not in without


def test_an_overridden_page_toc_template_is_still_checked_for_emptiness(tmp_path):
    src = make_site(tmp_path / "site", {"posts/2026/a.md": post_source(
        date="2026-01-10 10:00", body="本文。\n\n## 節\n\n本文。\n")})
    (src / "_templates" / "page-toc.html").write_text("{#- renders nothing -#}\n", encoding="utf-8")
    build = build_here(src, tmp_path / "out", env=NOW)
    assert build.returncode == 0, build.output
    # An empty secondary sidebar item is dropped by the theme's check: no sidebar for it at all.
    assert "bd-sidebar-secondary" not in build.html("posts/2026/a.html")


@pytest.mark.parametrize("templates, listed", [
    (["page-toc"], True), ("page-toc.html, sourcelink", True), (["sourcelink.html"], False),
    (["page-toc.html", "my-page-toc.html"], False), ([], False),
])
def test_only_the_themes_page_toc_skips_the_check(templates, listed):
    assert _lists_page_toc(templates) is listed


def test_default_docutils_settings_are_made_once_and_given_fresh(monkeypatch):
    import docutils.parsers.rst
    from docutils import frontend

    from techblog.speedups import docutils_settings as settings_cache
    from techblog.speedups.docutils_settings import cached_default_settings

    made = []
    parsers = []

    class CountedParser(frontend.OptionParser):
        def __init__(self, *args, **kwargs):
            parsers.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(settings_cache, "OptionParser", CountedParser)
    monkeypatch.setattr(settings_cache, "_default_parsers", {})  # none kept from builds made in this process

    def original(*components):
        made.append(components)
        return frontend.get_default_settings(*components)

    def plain(values) -> dict:  # each Values has its own DependencyList, which compares by identity
        return {k: v for k, v in vars(values).items() if k != "record_dependencies"}

    cached = cached_default_settings(original)
    first, second = cached(), cached()
    assert len(parsers) == 1 and first is not second and plain(first) == plain(second) == plain(original())
    assert first.record_dependencies is not second.record_dependencies
    first.report_level = 5  # a document's own settings: not the next document's
    assert cached().report_level != 5
    rst = cached(docutils.parsers.rst.Parser)
    assert rst.tab_width == 8
    assert plain(rst) == plain(frontend.get_default_settings(docutils.parsers.rst.Parser))
    made.clear()
    instance = docutils.parsers.rst.Parser()
    cached(instance)
    assert made == [(instance,)]  # an instance is not cached: it may carry its own settings_spec


def test_pages_with_the_sidebar_kept_per_folder_are_the_pages_rendering_it(tmp_path, monkeypatch):
    src = make_site(tmp_path / "site", {
        "posts/2025/a.md": post_source(date="2025-12-10 10:00", h1="記事 A"),
        "posts/2026/b.md": post_source(date="2026-01-10 10:00", h1="記事 B", tags="[PostgreSQL]", author="suzuki"),
        "posts/2026/c.md": post_source(date="2026-02-10 10:00", h1="記事 C", extra="series: pg16"),
        # With sections: a page table of contents, and its button in the top bar.
        "posts/2026/d.md": post_source(date="2026-03-10 10:00", h1="記事 D", body="## 一\n\n本文。\n\n## 二\n\n本文。\n"),
    })
    builds = {"kept": build_here(src, tmp_path / "kept", env=NOW)}
    with monkeypatch.context() as rendered:
        rendered.setattr(layout_fragments, "FRAGMENTS", {})
        builds["rendered"] = build_here(src, tmp_path / "rendered", env=NOW)
    for build in builds.values():
        assert build.returncode == 0, build.output
    # Listings link to themselves from the sidebar ("#"): they must not take a post's sidebar.
    assert '<a href="#">すべての記事</a>' in builds["kept"].html("blog.html")
    assert '<a href="../../blog.html">すべての記事</a>' in builds["kept"].html("posts/2026/c.html")
    # Posts of one folder with and without the button of the secondary sidebar.
    assert "secondary-toggle" in builds["kept"].html("posts/2026/d.html")
    assert "secondary-toggle" not in builds["kept"].html("posts/2026/c.html")
    assert_same_site(builds["kept"], builds["rendered"])


def test_no_template_reads_the_page_description_the_book_theme_handler_no_longer_makes():
    folders = [Path(sphinx_book_theme.__file__).parent, Path(pydata_sphinx_theme.__file__).parent,
               ROOT / "_templates", ROOT / "techblog" / "templates"]
    templates = [path for folder in folders for path in folder.rglob("*.html")]
    assert len(templates) > 50
    assert [path for path in templates if "page_description" in path.read_text(encoding="utf-8")] == []


FRONT_MATTER = """\
date: 2026-01-10 10:00
tags: [障害対応, PostgreSQL]
series: {name: pg16, part: 2}
day: 2026-01-10
ratio: 1.5
draft: false
nothing: null
set: !!set {a, b}
"""


def test_front_matter_read_twice_is_equal_and_each_reader_gets_its_own_copy():
    first = frontmatter_yaml.safe_load(FRONT_MATTER)
    assert first == yaml.load(FRONT_MATTER, Loader=yaml.SafeLoader)  # noqa: S506 (a safe loader)
    first["tags"].append("変更")
    first["series"]["part"] = 3
    first["set"].add("c")
    second = frontmatter_yaml.safe_load(FRONT_MATTER)
    assert second["tags"] == ["障害対応", "PostgreSQL"]
    assert second["series"] == {"name": "pg16", "part": 2}
    assert second["set"] == {"a", "b"}


def test_card_fields_read_as_attributes_are_what_jinja_reads_from_a_dict():
    plain = {"title": "記事", "items": "値", "tags": [{"label": "SRE"}]}
    fields = Fields(title="記事", items="値", tags=[Fields(label="SRE")])
    template = jinja2.Environment().from_string(
        "{{ p.title }}|{{ p.items is callable }}|{{ p.tags[0].label }}|{{ p.missing is defined }}")
    assert template.render(p=fields) == template.render(p=plain) == "記事|True|SRE|False"
    assert repr(fields) == repr(plain)  # the listing keys are digests of the repr
    assert fields.title == "記事"
    with pytest.raises(AttributeError):
        fields.missing  # noqa: B018


def test_the_edit_url_template_renders_as_with_the_whole_page_context():
    source = ("{{ github_url }}/{{ github_user }}/{{ github_repo }}"
              "/edit/{{ github_version }}/{{ doc_path }}{{ file_name }}")
    context = {"github_url": "https://github.com", "github_user": "minato-cloud", "github_repo": "blog",
               "github_version": "main", "doc_path": "", "file_name": "posts/2026/a.md",
               **{f"other{n}": n for n in range(200)}}
    expected = jinja2.Template(source).render(**context)
    assert _UrlTemplate(source).render(**context) == expected == (
        "https://github.com/minato-cloud/blog/edit/main/posts/2026/a.md")
    del context["doc_path"]  # a name the page does not have renders as before (empty)
    assert _UrlTemplate(source).render(**context) == jinja2.Template(source).render(**context)


def _document_with_fields(*names):
    document = docutils.utils.new_document("<test>", frontend.get_default_settings(docutils.parsers.rst.Parser))
    if names:
        docinfo = nodes.docinfo()
        for name in names:
            docinfo += nodes.field("", nodes.field_name("", name), nodes.field_body("", nodes.paragraph("", "x")))
        document += docinfo
    document += nodes.section("", nodes.title("", "題"))
    return document


@pytest.mark.parametrize(("fields", "matched", "applies"), [
    ((), False, False),  # no front matter
    (("date", "tags"), False, False),  # a page's front matter, no blogpost field
    (("date", "blogpost"), False, True),  # ablog's own front-matter post
    (("date",), True, True),  # a page blog_post_pattern matched
])
def test_ablogs_front_matter_check_runs_where_it_can_make_a_post(fields, matched, applies):
    called = []
    check = ablog_posts._front_matter_check_when_it_can_apply(lambda transform, **kwargs: called.append(True))
    transform = SimpleNamespace(document=_document_with_fields(*fields), env=SimpleNamespace(docname="page"),
                                config=SimpleNamespace(matched_blog_posts={"page"} if matched else set()))
    check(transform)
    assert called == ([True] if applies else [])


def test_a_page_written_again_over_a_longer_one_keeps_exactly_the_new_bytes(tmp_path):
    page = OverwrittenPath(tmp_path, "page.html")
    page.write_text("<p>" + "長い本文" * 1000 + "</p>", encoding="utf-8", errors="xmlcharrefreplace")
    page.write_text("<p>短い é</p>", encoding="ascii", errors="xmlcharrefreplace")
    assert page.read_bytes() == b"<p>&#30701;&#12356; &#233;</p>"


def test_pickled_values_behave_as_the_dict_they_stand_for_and_keep_unread_entries_as_bytes():
    plain = {f"posts/p{i}": nodes.bullet_list("", nodes.list_item("", nodes.paragraph(text=f"第 {i} 節")))
             for i in range(5)}
    table = env_values.PickledValues(plain)
    again = pickle.loads(pickle.dumps(table))
    assert list(again) == list(plain) and len(again) == 5 and "posts/p3" in again and "posts/x" not in again
    assert again["posts/p3"].astext() == plain["posts/p3"].astext()
    assert repr(again) == "<PickledValues: 5 entries, 4 still pickled>"
    unread = again._data["posts/p1"]
    again["posts/p9"] = nodes.bullet_list()
    del again["posts/p0"]
    assert again.pop("posts/p2").astext() == "第 2 節" and again.get("posts/p0") is None
    third = pickle.loads(pickle.dumps(again))
    assert list(third) == ["posts/p1", "posts/p3", "posts/p4", "posts/p9"]
    assert third._data["posts/p1"] is not unread and third._data["posts/p1"] == unread  # the same bytes, not re-made
    assert {k: v.astext() for k, v in third.items()} == {"posts/p1": "第 1 節", "posts/p3": "第 3 節",
                                                          "posts/p4": "第 4 節", "posts/p9": ""}


def test_the_built_environment_keeps_each_pages_contents_and_titles_pickled_on_their_own(tmp_path):
    site = make_site(tmp_path / "site", {f"posts/2026/p{i}.md": post_source(h1=f"記事 {i}") for i in range(3)})
    assert (build := build_here(site, tmp_path / "out")).returncode == 0, build.output
    env = pickle.loads((tmp_path / "out" / "doctrees" / "environment.pickle").read_bytes())
    assert type(env.tocs) is env_values.PickledValues and type(env.titles) is env_values.PickledValues
    assert set(env.tocs) == set(env.found_docs) and set(env.tocs._pending) == set(env.tocs)
    assert all(isinstance(env.tocs[d], nodes.bullet_list) for d in env.found_docs)
    assert env.titles["posts/2026/p1"].astext() == "記事 1"


def _ablog_order(posts: list) -> list:
    return sorted(posts, reverse=True)  # ablog's Collection: Post.__lt__


@pytest.mark.parametrize("seed", range(5))
def test_collections_sorted_by_key_are_in_ablogs_order_ties_included(seed):
    class Post:
        __lt__ = ablog.blog.Post.__lt__

        def __init__(self, n, date, title):
            self.n, self._computed_date, self.title = n, date, title

    rng = random.Random(seed)
    posts = [Post(n, datetime(2026, 1, rng.randint(1, 3)), rng.choice(["障害", "監視", "移行"])) for n in range(60)]
    collection = SimpleNamespace(_posts={p.n: p for p in posts}, _posts_iter=None)
    by_key = collection_order._iter_sorted_by_key(None)
    assert [p.n for p in by_key(collection)] == [p.n for p in _ablog_order(posts)]


@pytest.mark.parametrize("seed", range(4))
def test_pages_found_unchanged_with_strings_are_those_sphinx_finds_unchanged(tmp_path, seed):
    rng = random.Random(seed)
    src, doctrees = tmp_path / "src", tmp_path / "doctrees"
    (src / "posts").mkdir(parents=True)
    (doctrees / "posts").mkdir(parents=True)
    (src / "images").mkdir()
    figures = [src / "images" / f"f{i}.svg" for i in range(3)]
    for figure in figures:
        figure.write_text("<svg/>")
    (src / "images" / "folder.svg").mkdir()  # a dependency that is not a file
    all_docs, dependencies, files = {}, {}, {}
    for i in range(40):
        docname = f"posts/p{i}"
        files[docname] = source = src / f"{docname}.md"
        source.write_text("# 記事")
        if rng.random() < 0.9:
            (doctrees / f"{docname}.doctree").write_bytes(b"")
        read_at = source.stat().st_mtime_ns // 1000 + rng.choice([-5, 0, 0, 0, 5])  # older, same or newer
        all_docs[docname] = read_at
        if rng.random() < 0.6:
            dependencies[docname] = {_StrPath(p) for p in rng.sample([*figures, src / "images" / "folder.svg",
                                                                       src / "gone.svg"], rng.randint(0, 2))}
    for figure in figures:
        when = rng.choice(list(all_docs.values())) * 1000
        os.utime(figure, ns=(when, when))
    original = sphinx_environment._has_doc_changed
    fast = outdated_files._checked_with_strings(original)
    reread = {"posts/p3"}
    for docname in all_docs:
        args = {"filename": _StrPath(files[docname]), "reread_always": reread, "doctreedir": doctrees,
                "all_docs": all_docs, "dependencies": dependencies}
        assert fast(docname, **args) == original(docname, **args), docname


def _lazy_and_plain():
    from techblog.speedups.card_data import LazyCard

    made = []

    def make():
        made.append(1)
        return Fields({"docname": "posts/2026/a", "title": "記事 A", "tags": [Fields(label="AWS", docname="blog/tag/aws")]})
    return LazyCard("posts/2026/a", make), make(), made


def test_a_lazy_card_makes_its_fields_only_when_something_but_its_docname_is_read():
    lazy, _, made = _lazy_and_plain()
    made.clear()
    assert lazy["docname"] == lazy.docname == lazy.get("docname") == "posts/2026/a" and "docname" in lazy
    assert lazy and made == []
    assert lazy.title == "記事 A" and made == [1]
    lazy.tags  # noqa: B018 (made once only)
    assert made == [1]


@pytest.mark.parametrize("read", [
    repr, len, list, dict, sorted, lambda c: list(c.items()), lambda c: list(c.values()), lambda c: list(c.keys()),
    lambda c: c["title"], lambda c: c.get("title"), lambda c: c.get("missing", 0), lambda c: "title" in c,
    lambda c: {**c}, lambda c: c == dict(c), lambda c: c.copy(), lambda c: pickle.loads(pickle.dumps(c)),
    lambda c: jinja2.Environment().from_string("{{ p.title }} {{ p['tags'][0].label }} {{ p|length }}").render(p=c),
    lambda c: __import__("json").dumps(c, ensure_ascii=False, default=dict),
], ids=["repr", "len", "list", "dict", "sorted", "items", "values", "keys", "getitem", "get", "get-missing",
        "contains", "unpack", "eq", "copy", "pickle", "jinja", "json"])
def test_a_lazy_card_reads_as_the_card_it_stands_for(read):
    lazy, plain, _ = _lazy_and_plain()
    assert read(lazy) == read(plain)


def _tree(root: Path) -> Path:
    files = ["index.md", "a.md", "a.rst", "notes.txt", "posts/2026/x.md", "posts/2026/y.rst", "posts/2025/z.md",
             "posts/drafts/d.md", "_build/html/skip.md", "docs/_sources/s.md", ".#lock.md", "docs/.#lock.md",
             "docs/gu\u0301ide.md", "docs/sub/deep/page.md", "en.lproj/x.md", "README.md", "x.md.txt", ".md"]
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("# t\n", encoding="utf-8")
    (root / "linked").symlink_to(root / "posts" / "2025", target_is_directory=True)
    return root


class _Warnings(__import__("logging").Handler):
    def __init__(self):
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.mark.parametrize("exclude", [[], ["_build", "README.md", "posts/drafts/*"], ["**/2026/**", "docs/sub"]])
def test_source_files_found_with_strings_are_those_sphinx_finds(tmp_path, exclude):
    import logging
    import unicodedata

    from sphinx.project import Project
    from sphinx.util.matching import get_matching_files

    from techblog.speedups import project_files

    root = _tree(tmp_path)
    assert list(project_files.matching_files(root, ["**"], exclude)) == list(get_matching_files(root, ["**"], exclude))
    theirs, ours = Project(root, {".md": "m", ".rst": "r"}), Project(root, {".md": "m", ".rst": "r"})
    logger, warnings = logging.getLogger("sphinx.sphinx.project"), []
    for project, discover in ((theirs, Project.discover), (ours, project_files.discover)):
        handler = _Warnings()
        logger.addHandler(handler)
        try:
            found = discover(project, exclude)
        finally:
            logger.removeHandler(handler)
        warnings.append(handler.messages)
    assert ours.docnames == theirs.docnames and warnings[0] == warnings[1]
    assert ours._path_to_docname == theirs._path_to_docname and ours._docname_to_path == theirs._docname_to_path
    # Names are compared in NFC (as macOS gives them); on Linux a decomposed name is then not found.
    assert "docs/sub/deep/page" in found or exclude
    assert any("multiple files" in w for w in warnings[0])
    assert any("unreadable" in w and unicodedata.normalize("NFC", "gu\u0301ide") in w for w in warnings[0])


def test_pages_to_write_found_with_strings_are_those_the_html_builder_finds(tmp_path, make_app):
    from sphinx.builders.html import StandaloneHTMLBuilder

    posts_ = {f"posts/2026/p{n}.md": post_source(date=f"2026-0{n}-10 10:00", h1=f"記事 {n}") for n in range(1, 6)}
    built = build_here(make_site(tmp_path / "site", posts_), tmp_path / "out", env=NOW, make_app=make_app)
    assert built.returncode == 0, built.output
    builder = built.app.builder
    theirs = StandaloneHTMLBuilder.get_outdated_docs
    ours = outdated_files._pages_checked_with_strings(theirs)

    def both() -> tuple[set[str], set[str]]:
        return set(ours(builder)), set(theirs(builder))

    assert both() == (set(), set())
    later = (tmp_path / "out" / "html" / "index.html").stat().st_mtime_ns + 10**9
    os.utime(built.src / "posts/2026/p2.md", ns=(later, later))  # a source newer than its page
    (built.out / "posts/2026/p4.html").unlink()  # a page not written
    mine, sphinx_own = both()
    assert mine == sphinx_own == {"posts/2026/p2", "posts/2026/p4"}
    # A template newer than the build information: Sphinx's own method answers (every page).
    template = built.src / "_templates" / "page.html"
    os.utime(template, ns=(later, later))
    assert both()[0] == set(builder.env.found_docs)
