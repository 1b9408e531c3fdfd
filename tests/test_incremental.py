"""Incremental and parallel builds write exactly what a clean serial build writes."""

from __future__ import annotations

import re
import shutil

import pytest

from techblog.speedups.registry_edits import reading_is_cheaper

from .sitebuild import AUTHORS, build_here, make_site, post, sphinx_build

NOW = {"TECHBLOG_NOW": "2026-06-01T12:00:00+09:00"}
POSTS = {
    "posts/2026/first.md": post(date="2026-01-10 10:00", h1="最初の記事", tags="[障害対応]"),
    "posts/2026/second.md": post(date="2026-02-10 10:00", h1="二本目の記事", tags="[PostgreSQL]", author="suzuki"),
    "posts/2026/third.md": post(date="2026-03-10 10:00", h1="三本目の記事", tags="[障害対応, PostgreSQL]"),
}


def outputs(build) -> dict[str, bytes]:
    """Every file a reader can fetch (Sphinx's own bookkeeping left out)."""
    return {name: (build.out / name).read_bytes() for name in build.files()
            if not name.startswith(".doctrees/") and name not in (".buildinfo", ".buildinfo.bak")}


def assert_same_site(got, want) -> None:
    got_files, want_files = outputs(got), outputs(want)
    assert sorted(got_files) == sorted(want_files)
    differing = [name for name in want_files if got_files[name] != want_files[name]]
    assert differing == [], f"differs from a clean build: {differing}"


def text(build, page: str) -> str:
    """A page's HTML without the <wbr> tags that break Japanese titles into phrases."""
    return build.html(page).replace("<wbr>", "")


def clean_build(src, tmp_path, name):
    """The site built from nothing, in this process: what the incremental builds (sphinx-build's) must equal."""
    build = build_here(src, tmp_path / name, env=NOW)
    assert build.returncode == 0, build.output
    return build


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("incremental")
    src = make_site(tmp / "site", POSTS)
    first = sphinx_build(src, tmp / "incremental", env=NOW, reread=False)
    assert first.returncode == 0, first.output
    return src, tmp


def rebuild(src, tmp):
    build = sphinx_build(src, tmp / "incremental", env=NOW, reread=False)
    assert build.returncode == 0, build.output
    return build


def test_editing_a_post_title_and_excerpt_updates_every_listing(site, tmp_path):
    src, tmp = site
    path = src / "posts/2026/second.md"
    path.write_text(path.read_text(encoding="utf-8").replace("二本目の記事", "改題した二本目").replace("本文です。", "書き直した抜粋です。"),
                    encoding="utf-8")
    incremental = rebuild(src, tmp)
    assert "改題した二本目" in text(incremental, "index.html")
    # The second process reads the written pages, and the index on disk is updated in place, not made anew.
    assert "書き出しと並行して別のプロセスで読みました" in incremental.output
    assert "別のプロセスが書きました" not in incremental.output
    assert "改題した二本目" in (incremental.out / "blog/atom.xml").read_text(encoding="utf-8")
    assert_same_site(incremental, clean_build(src, tmp_path, "clean"))


def test_retagging_a_post_updates_the_tag_pages_it_left_and_joined(site, tmp_path):
    src, tmp = site
    path = src / "posts/2026/third.md"
    path.write_text(path.read_text(encoding="utf-8").replace("tags: [障害対応, PostgreSQL]", "tags: [障害対応]")
                    .replace("本文です。", "本文を書き足しました。" * 30), encoding="utf-8")
    incremental = rebuild(src, tmp)
    assert "三本目の記事" not in text(incremental, "blog/tag/postgresql.html")
    assert_same_site(incremental, clean_build(src, tmp_path, "clean"))


def test_adding_a_post_updates_home_listings_feeds_and_search(site, tmp_path):
    src, tmp = site
    (src / "posts/2026/fourth.md").write_text(
        post(date="2026-04-10 10:00", h1="新しく足した記事", tags="[PostgreSQL]", author="suzuki"), encoding="utf-8")
    incremental = rebuild(src, tmp)
    assert "新しく足した記事" in text(incremental, "index.html")
    assert "新しく足した記事" in text(incremental, "blog/tag/postgresql.html")
    assert_same_site(incremental, clean_build(src, tmp_path, "clean"))


def test_deleting_a_post_or_making_it_a_draft_removes_it_everywhere(site, tmp_path):
    src, tmp = site
    doomed, drafted = src / "posts/2026/doomed.md", src / "posts/2026/drafted.md"
    doomed.write_text(post(date="2026-04-20 10:00", h1="消す記事"), encoding="utf-8")
    drafted.write_text(post(date="2026-04-21 10:00", h1="下書きに戻す記事"), encoding="utf-8")
    assert (rebuild(src, tmp).out / "posts/2026/doomed.html").is_file()
    doomed.unlink()
    drafted.write_text(post(date="2026-04-21 10:00", h1="下書きに戻す記事", extra="draft: true"), encoding="utf-8")
    incremental = rebuild(src, tmp)
    for gone in ("posts/2026/doomed.html", "posts/2026/drafted.html", "_social/posts/2026/doomed.png"):
        assert not (incremental.out / gone).exists(), f"{gone} was left in the output"
    assert_same_site(incremental, clean_build(src, tmp_path, "clean"))


def updating_line(build) -> str:
    return next(line for line in build.output.splitlines() if line.startswith("updating environment:"))


def test_a_new_draft_its_publishing_and_a_scheduled_post_coming_due_read_only_that_post(site, tmp_path):
    # make new-post writes a draft: the posts with no page are not a setting whose change re-reads every page.
    src, tmp = site
    draft, scheduled = src / "posts/2026/new-draft.md", src / "posts/2026/scheduled.md"
    draft.write_text(post(date="2026-05-01 10:00", h1="書きかけの記事", extra="draft: true"), encoding="utf-8")
    scheduled.write_text(post(date="2026-06-15 10:00", h1="予約した記事"), encoding="utf-8")
    written = rebuild(src, tmp)
    assert updating_line(written) == "updating environment: 0 added, 0 changed, 0 removed"
    assert "exclude_patterns" not in written.output
    draft.write_text(post(date="2026-05-01 10:00", h1="書きかけの記事"), encoding="utf-8")
    published = rebuild(src, tmp)
    assert updating_line(published) == "updating environment: 1 added, 0 changed, 0 removed"
    assert "書きかけの記事" in text(published, "index.html")
    assert_same_site(published, clean_build(src, tmp_path, "clean"))
    due = sphinx_build(src, tmp / "incremental", env={"TECHBLOG_NOW": "2026-06-20T12:00:00+09:00"}, reread=False)
    assert due.returncode == 0, due.output
    assert updating_line(due) == "updating environment: 1 added, 0 changed, 0 removed"
    assert "予約した記事" in text(due, "index.html")
    draft.write_text(post(date="2026-05-01 10:00", h1="書きかけの記事", extra="draft: true"), encoding="utf-8")
    scheduled.unlink()
    assert updating_line(rebuild(src, tmp)) == "updating environment: 0 added, 0 changed, 2 removed"


def test_a_tag_left_without_posts_loses_its_page_and_feed(site, tmp_path):
    src, tmp = site
    lonely = src / "posts/2026/lonely.md"
    lonely.write_text(post(date="2026-04-25 10:00", h1="パスの記事", tags="[パス]"), encoding="utf-8")
    assert (rebuild(src, tmp).out / "blog/tag/path.html").is_file()
    lonely.write_text(post(date="2026-04-25 10:00", h1="パスの記事", tags="[障害対応]"), encoding="utf-8")
    incremental = rebuild(src, tmp)
    assert not (incremental.out / "blog/tag/path.html").exists()
    assert_same_site(incremental, clean_build(src, tmp_path, "clean"))


def test_retitling_a_post_updates_the_pages_that_link_to_it(site, tmp_path):
    src, tmp = site
    target, linking = src / "posts/2026/target.md", src / "posts/2026/linking.md"
    target.write_text(post(date="2026-04-22 10:00", h1="リンク先の記事"), encoding="utf-8")
    linking.write_text(post(date="2026-04-23 10:00", h1="リンクする記事", body="前の記事は {doc}`target` です。"), encoding="utf-8")
    assert "リンク先の記事" in text(rebuild(src, tmp), "posts/2026/linking.html")
    target.write_text(post(date="2026-04-22 10:00", h1="改題したリンク先"), encoding="utf-8")
    incremental = rebuild(src, tmp)
    assert "改題したリンク先" in text(incremental, "posts/2026/linking.html")
    assert_same_site(incremental, clean_build(src, tmp_path, "clean"))
    target.unlink()
    broken = sphinx_build(src, tmp / "incremental", env=NOW, reread=False)
    assert broken.returncode != 0 and "posts/2026/linking.md" in broken.output, "a link to a deleted post went unnoticed"
    linking.unlink()
    assert rebuild(src, tmp).returncode == 0


def test_retitling_a_post_updates_its_newer_neighbour_of_a_shared_date(tmp_path):
    # Two posts share a date, so the first of them is not beside its "older post" in the newest-first list.
    old = {"tags": "[パス]", "category": "event"}
    tied = {"tags": "[バス]", "category": "tech"}
    src = make_site(tmp_path / "site", {
        **POSTS,
        **{f"posts/2026/new{i}.md": post(date=f"2026-05-0{i} 10:00", h1=f"新しい記事 {i}", tags="[PostgreSQL]")
           for i in range(1, 8)},
        "posts/2020/tie-a.md": post(date="2020-04-01 10:00", h1="同時刻の記事 A", **tied),
        "posts/2020/tie-b.md": post(date="2020-04-01 10:00", h1="同時刻の記事 B", **tied),
        "posts/2020/before.md": post(date="2020-03-20 10:00", h1="直前の記事", **old),
    })
    assert sphinx_build(src, tmp_path / "incremental", env=NOW, reread=False).returncode == 0
    (src / "posts/2020/before.md").write_text(post(date="2020-03-20 10:00", h1="改題した直前の記事", **old),
                                              encoding="utf-8")
    incremental = rebuild(src, tmp_path)
    assert "改題した直前の記事" in text(incremental, "posts/2020/tie-a.html")
    assert_same_site(incremental, clean_build(src, tmp_path, "clean"))


def edit(path, old: str, new: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert old in content, f"{old!r} is not in {path.name}"
    path.write_text(content.replace(old, new, 1), encoding="utf-8")


def test_editing_a_registry_updates_every_page(site, tmp_path):
    src, tmp = site
    edit(src / "data/authors.yml", "田中 太郎", "田中 太郎（SRE）")
    incremental = rebuild(src, tmp)
    assert "田中 太郎（SRE）" in text(incremental, "posts/2026/first.html")
    assert_same_site(incremental, clean_build(src, tmp_path, "clean"))


def test_a_changed_avatar_is_copied_again_and_a_dropped_one_taken_out(tmp_path):
    with_avatar = AUTHORS.replace("  name: 田中 太郎\n", "  name: 田中 太郎\n  avatar: images/tanaka.svg\n", 1)
    src = make_site(tmp_path / "site", POSTS, {"authors": with_avatar})
    avatar = src / "images/tanaka.svg"
    avatar.parent.mkdir()
    avatar.write_text('<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>\n', encoding="utf-8")
    assert rebuild(src, tmp_path).out.joinpath("images/tanaka.svg").read_bytes() == avatar.read_bytes()

    avatar.write_text('<svg xmlns="http://www.w3.org/2000/svg"><circle r="2"/></svg>\n', encoding="utf-8")
    incremental = rebuild(src, tmp_path)
    assert (incremental.out / "images/tanaka.svg").read_bytes() == avatar.read_bytes()
    assert_same_site(incremental, clean_build(src, tmp_path, "clean-changed"))

    (src / "data/authors.yml").write_text(AUTHORS, encoding="utf-8")
    incremental = rebuild(src, tmp_path)
    assert not (incremental.out / "images/tanaka.svg").exists()
    assert_same_site(incremental, clean_build(src, tmp_path, "clean-dropped"))


def test_registry_edits_read_again_only_the_posts_whose_front_matter_they_change(tmp_path):
    # A new tag, a renamed author, series and tag, an alias moved to another tag: none of them
    # re-reads every page (the speed layer), and each build equals a clean one.
    src = make_site(tmp_path / "site", {
        **POSTS,
        "posts/2026/alias.md": post(date="2026-04-10 10:00", h1="別名で付けた記事", tags="[インシデント対応]"),
        "posts/2026/part.md": post(date="2026-04-11 10:00", h1="連載の記事", tags="[PostgreSQL]", extra="series: pg16"),
    })
    out = tmp_path / "incremental"

    def again(expected: str, every_page_written: bool):
        build = sphinx_build(src, out, env=NOW, reread=False)
        assert build.returncode == 0, build.output
        assert updating_line(build) == f"updating environment: {expected}, 0 removed"
        assert ("build_info mismatch" in build.output) == every_page_written, build.output
        clean = clean_build(src, tmp_path, "clean")
        assert_same_site(build, clean)
        shutil.rmtree(tmp_path / "clean")
        return build

    assert sphinx_build(src, out, env=NOW, reread=False).returncode == 0
    # A writer registers a tag, an author and a category (and a series and an author with no post yet)
    # and writes a post with them: only the new post is read, and pages not showing it are not written.
    tags = src / "data/tags.yml"
    for name, entries in {
        "tags": "Kubernetes:\n  label: Kubernetes\n  slug: kubernetes\n",
        "authors": "sato:\n  name: 佐藤 一郎\n  bio: 新人です。\nyamada:\n  name: 山田 花子\n",
        "categories": "culture:\n  label: カルチャー\n  slug: culture\n",
        "series": "k8s-intro:\n  title: Kubernetes 入門\n",
    }.items():
        with (src / f"data/{name}.yml").open("a", encoding="utf-8") as registry:
            registry.write(entries)
    (src / "posts/2026/k8s.md").write_text(post(date="2026-04-12 10:00", h1="新しいタグの記事", tags="[kubernetes]",
                                                author="sato", category="culture"), encoding="utf-8")
    untouched = out / "posts/2026/first.html"  # the oldest post: not beside the new one, sharing nothing with it
    written_before = untouched.stat().st_mtime_ns
    added = again("1 added, 0 changed", every_page_written=False)
    for page in ("blog/tag/kubernetes.html", "blog/author/sato.html", "blog/category/culture.html"):
        assert "新しいタグの記事" in text(added, page)
    assert untouched.stat().st_mtime_ns == written_before
    # An author's name and a series' title show on most pages (cards, the sidebar): no page is read, every page is written.
    edit(src / "data/authors.yml", "田中 太郎", "田中 次郎")
    edit(src / "data/series.yml", "PostgreSQL 16 移行記", "PostgreSQL 17 移行記")
    renamed = again("0 added, 0 changed", every_page_written=True)
    assert "田中 次郎" in text(renamed, "posts/2026/first.html")
    assert "PostgreSQL 17 移行記" in text(renamed, "index.html")  # the sidebar of every page names the series
    # A tag's label and aliases show with its posts only: they are read again, as if edited.
    edit(tags, "label: PostgreSQL", "label: PostgreSQL（DB）")
    edit(tags, "aliases: [postgres]", "aliases: [postgres, pg]")
    relabelled = again("0 added, 3 changed", every_page_written=False)
    assert "PostgreSQL（DB）" in text(relabelled, "posts/2026/second.html")
    assert "PostgreSQL（DB）" in text(relabelled, "blog/tag/postgresql.html")
    # An alias moved to a new tag: the post written with it gets the new tag, the old tag's posts its new aliases.
    edit(tags, "  aliases: [インシデント対応]\n", "")
    tags.write_text(tags.read_text(encoding="utf-8")
                    + "インシデント対応:\n  label: インシデント対応\n  slug: incident-handling\n", encoding="utf-8")
    moved = again("0 added, 3 changed", every_page_written=False)
    assert "別名で付けた記事" in text(moved, "blog/tag/incident-handling.html")
    assert "別名で付けた記事" not in text(moved, "blog/tag/incident-response.html")
    # A tag's or a category's description shows on its own listing and the index of its kind only.
    edit(tags, "  slug: postgresql\n", "  slug: postgresql\n  description: データベースの記事です。\n")
    edit(src / "data/categories.yml", "  slug: tech\n", "  slug: tech\n  description: 技術の記事です。\n")
    written_before = untouched.stat().st_mtime_ns
    described = again("0 added, 0 changed", every_page_written=False)
    assert "データベースの記事です。" in text(described, "blog/tag/postgresql.html")
    assert "データベースの記事です。" in text(described, "blog/tag.html")
    assert "技術の記事です。" in text(described, "blog/category/tech.html")
    assert untouched.stat().st_mtime_ns == written_before


def test_the_posts_of_a_renamed_tag_are_read_again_only_while_cheaper_than_writing_every_page():
    assert reading_is_cheaper(3, 7)  # a small site: either way is quick
    assert reading_is_cheaper(618, 5035)  # measured: 48.6 s, against 95.2 s writing every page
    assert not reading_is_cheaper(1200, 5035)


def test_a_failed_build_fails_again_until_the_problem_is_fixed(tmp_path):
    src = make_site(tmp_path / "site", {
        **POSTS, "posts/2026/leaky.md": post(date="2026-04-24 10:00", h1="鍵を書いた記事", body="接続先は 10.0.0.5 です。"),
    })
    out = tmp_path / "out"
    for attempt in ("first", "second", "third"):
        build = sphinx_build(src, out, env=NOW, reread=False)
        assert build.returncode != 0, f"the {attempt} build passed with the problem still there"
        assert "posts/2026/leaky.md" in build.output
        if attempt != "first":  # the page with the problem read again, not every page
            assert updating_line(build) == "updating environment: 0 added, 1 changed, 0 removed"
    (src / "posts/2026/leaky.md").write_text(post(date="2026-04-24 10:00", h1="鍵を書いた記事"), encoding="utf-8")
    fixed = sphinx_build(src, out, env=NOW, reread=False)
    assert fixed.returncode == 0, fixed.output
    assert updating_line(fixed) == "updating environment: 0 added, 1 changed, 0 removed"
    assert_same_site(fixed, clean_build(src, tmp_path, "clean"))


UNPLACED_WARNING = """
from sphinx.util import logging


def _warn(app, env):
    if app.config.warn_unplaced:
        logging.getLogger(__name__).warning("a warning about no page in particular")
    return []


def setup(app):
    app.add_config_value("warn_unplaced", False, "", types=[bool])
    app.connect("env-updated", _warn)
    return {"parallel_read_safe": True}
"""


def built_with_extension(tmp_path, name: str, source: str):
    """The small site with one more extension (*source*, as module *name*), built once: its source and output."""
    src = make_site(tmp_path / "site", POSTS)
    (src / f"{name}.py").write_text(source, encoding="utf-8")
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f'\nextensions.append("{name}")\n')
    out = tmp_path / "out"
    assert sphinx_build(src, out, env=NOW, reread=False).returncode == 0
    return src, out


def test_a_problem_not_about_a_page_reads_every_page_again(tmp_path):
    src, out = built_with_extension(tmp_path, "unplaced_warning", UNPLACED_WARNING)
    failed = sphinx_build(src, out, "-D", "warn_unplaced=1", env=NOW, reread=False)
    assert failed.returncode != 0 and "a warning about no page in particular" in failed.output, failed.output
    again = sphinx_build(src, out, env=NOW, reread=False)
    assert again.returncode == 0, again.output
    found = int(re.search(r"(\d+) changed", updating_line(again)).group(1))
    assert found >= len(POSTS) + 1, updating_line(again)


STOPPER = """
def _stop(app, pagename, templatename, context, doctree):
    if app.config.stop_at == pagename:
        raise KeyboardInterrupt  # as Ctrl-C does


def setup(app):
    app.add_config_value("stop_at", "", "", types=[str])
    app.connect("html-page-context", _stop)
    return {"parallel_read_safe": True}
"""


def test_a_build_stopped_while_writing_is_made_whole_by_the_next_one(tmp_path):
    # Sphinx saves the environment before writing: a post added by a stopped build was
    # missing from every listing, feed and neighbour until a clean build.
    src, out = built_with_extension(tmp_path, "stopper", STOPPER)
    (src / "posts/2026/new.md").write_text(post(date="2026-05-01 10:00", h1="止めたビルドの記事", tags="[PostgreSQL]"),
                                           encoding="utf-8")
    stopped = sphinx_build(src, out, "-D", "stop_at=posts/2026/first", env=NOW, reread=False)
    assert stopped.returncode != 0 and "Interrupted" in stopped.output, stopped.output
    again = sphinx_build(src, out, env=NOW, reread=False)
    assert again.returncode == 0, again.output
    assert "前回のビルドが途中で止まったので" in again.output
    assert "止めたビルドの記事" in text(again, "blog/tag/postgresql.html")
    assert_same_site(again, clean_build(src, tmp_path, "clean"))
    assert "途中で止まった" not in sphinx_build(src, out, env=NOW, reread=False).output


def test_nothing_changed_writes_the_same_site(site, tmp_path):
    src, tmp = site
    incremental = rebuild(src, tmp)
    assert "0 added, 0 changed, 0 removed" in incremental.output
    assert_same_site(incremental, clean_build(src, tmp_path, "clean"))


def test_parallel_read_gives_the_serial_output(tmp_path):
    src = make_site(tmp_path / "site", POSTS)
    serial = clean_build(src, tmp_path, "serial")
    parallel = sphinx_build(src, tmp_path / "parallel", "-j", "2", env=NOW)
    assert parallel.returncode == 0, parallel.output
    assert "not safe for parallel reading" not in parallel.output
    # Also the search index's two ways of reading pages and writing its files:
    # a second process while a clean serial build writes the pages, the build
    # itself when -j writes in forks.
    assert "書き出しと並行して別のプロセスで読みました" in serial.output
    assert "索引のファイルも別のプロセスが書きました" in serial.output
    assert "書き出しと並行して" not in parallel.output
    assert "別のプロセスが書きました" not in parallel.output
    assert_same_site(parallel, serial)
    shutil.rmtree(tmp_path / "site")


# -- Listings of several pages (techblog.reader.listings): a new post moves every later post one place down

PAGED = ("-D", "techblog_listing_page_size=2")
MORE = {f"posts/2026/more{n}.md": post(date=f"2026-04-0{n} 10:00", h1=f"追加の記事 {n}", tags="[PostgreSQL]")
        for n in (1, 2)}


def blog_page_titles(build, page: str) -> list[str]:
    return re.findall(r'class="tb-card__title"><a href="[^"]+">([^<]+)</a>', text(build, page))


@pytest.mark.parametrize("layer", [(), ("-D", "techblog_speedups=0")], ids=["layer-on", "layer-off"])
def test_listings_of_several_pages_after_an_edit_an_added_and_a_removed_post_equal_a_clean_build(tmp_path, layer):
    src = make_site(tmp_path / "site", {**POSTS, **MORE})  # five posts: three pages of every listing with all of them

    def again():
        build = sphinx_build(src, tmp_path / "incremental", *PAGED, *layer, env=NOW, reread=False)
        assert build.returncode == 0, build.output
        return build

    def same_as_clean(incremental):
        clean = build_here(src, tmp_path / "clean", confoverrides={"techblog_listing_page_size": 2}, env=NOW)
        assert clean.returncode == 0, clean.output
        assert_same_site(incremental, clean)
        shutil.rmtree(tmp_path / "clean")  # the next clean build starts from nothing

    first = again()
    assert blog_page_titles(first, "blog/page/3.html") == ["最初の記事"]
    assert not first.exists("blog/page/4.html")
    # An edit of the oldest post: only the last page of each listing shows it.
    oldest = src / "posts/2026/first.md"
    oldest.write_text(oldest.read_text(encoding="utf-8").replace("最初の記事", "改題した最初の記事"), encoding="utf-8")
    same_as_clean(again())
    # A new newest post: every later post moves one place, the last page gets a second one.
    (src / "posts/2026/newest.md").write_text(post(date="2026-05-20 10:00", h1="最新の記事", tags="[PostgreSQL]"),
                                              encoding="utf-8")
    added = again()
    assert blog_page_titles(added, "blog.html")[0] == "最新の記事"
    assert blog_page_titles(added, "blog/page/3.html") == ["二本目の記事", "改題した最初の記事"]
    same_as_clean(added)
    # One more: a fourth page appears, in the sitemap too.
    (src / "posts/2026/newer.md").write_text(post(date="2026-05-10 10:00", h1="新しめの記事", tags="[PostgreSQL]"),
                                             encoding="utf-8")
    fourth = again()
    assert blog_page_titles(fourth, "blog/page/4.html") == ["改題した最初の記事"]
    assert blog_page_titles(fourth, "blog/2026/page/4.html") == ["改題した最初の記事"]
    assert "blog/page/4.html" in fourth.html("sitemap.xml")
    same_as_clean(fourth)
    # Two posts removed: the fourth pages are gone again, the later posts move back up.
    (src / "posts/2026/newest.md").unlink()
    (src / "posts/2026/more2.md").unlink()
    removed = again()
    for gone in ("blog/page/4.html", "blog/2026/page/4.html", "blog/category/tech/page/4.html"):
        assert not removed.exists(gone), f"{gone} was left in the output"
    assert "page/4.html" not in removed.html("sitemap.xml")
    same_as_clean(removed)


def test_a_rebuild_with_nothing_changed_writes_no_site_wide_file_again(tmp_path):
    src = make_site(tmp_path / "site", POSTS)
    first = sphinx_build(src, tmp_path / "out", env=NOW, reread=False)
    assert first.returncode == 0, first.output
    site_wide = ("objects.inv", "sitemap.xml", "robots.txt")
    stamps = {name: (first.out / name).stat().st_mtime_ns for name in site_wide}
    again = sphinx_build(src, tmp_path / "out", env=NOW, reread=False)
    assert again.returncode == 0, again.output
    assert {name: (again.out / name).stat().st_mtime_ns for name in site_wide} == stamps
    # A post read again with the same labels: the inventory written is still this build's.
    page = src / "posts/2026/first.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n## 追記\n\n見出しを足しました。\n", encoding="utf-8")
    edited = sphinx_build(src, tmp_path / "out", env=NOW, reread=False)
    assert edited.returncode == 0, edited.output
    assert (edited.out / "objects.inv").stat().st_mtime_ns == stamps["objects.inv"]
    assert_same_site(edited, clean_build(src, tmp_path, "clean"))
    # A label added: the inventory is made again.
    page.write_text(page.read_text(encoding="utf-8") + "\n(tsuiki-label)=\n## ラベルつきの追記\n\n足しました。\n",
                    encoding="utf-8")
    labelled = sphinx_build(src, tmp_path / "out", env=NOW, reread=False)
    assert labelled.returncode == 0, labelled.output
    assert (labelled.out / "objects.inv").stat().st_mtime_ns != stamps["objects.inv"]
    assert_same_site(labelled, clean_build(src, tmp_path, "labelled"))
