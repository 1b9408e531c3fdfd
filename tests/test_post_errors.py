"""Every mistake in a post is ``path:line: message``, all in one run, and the build fails."""

from __future__ import annotations

import re

import pytest

from .sitebuild import make_site, post, sphinx_build
from .test_incremental import NOW

# (file, line, what the message must say).  Line 1 also stands for the whole file.
BAD_POSTS = {
    "posts/2026/no-date.md": ("---\nauthor: tanaka\ncategory: tech\n---\n\n# 日付なし\n", 1, "date がありません"),
    "posts/2026/impossible-date.md": (post(date="2026-02-30"), 2, "存在しない日付"),
    "posts/2026/unreadable-date.md": (post(date="2026/02/03"), 2, "形式が読めません"),
    "posts/2026/broken-yaml.md": (post(tags="[障害対応, PostgreSQL"), 5, "YAML として読めません"),
    "posts/2026/full-width-colon.md": (post(extra="description：説明です"), 6, "全角のコロン"),
    "posts/2026/hash-in-title.md": (post(title="勉強会 #1 レポート", h1=None), 2, "「 #」から後ろは YAML のコメントとして消えて"),
    "posts/2026/no-title.md": (post(h1=None), 7, "タイトルがありません"),
    "posts/2026/two-titles.md": (post(title="前の題"), 2, "タイトルが二つあります"),
    "posts/2026/two-h1.md": (post(body="# 二つ目\n"), 10, "H1（# 見出し）は記事に一つだけ"),
    "posts/2026/unknown-author.md": (post(author="tanak"), 3, "著者「tanak」は登録されていません。近いもの: tanaka"),
    "posts/2026/unknown-coauthor.md": (post(author="[tanaka, sato]"), 3, "著者「sato」は登録されていません"),
    "posts/2026/unknown-category.md": (post(category="techh"), 4, "カテゴリ「techh」は登録されていません。近いもの: tech"),
    "posts/2026/unknown-tag.md": (post(tags="\n  - PostgreSQL\n  - 障害対策"), 7, "タグ「障害対策」は登録されていません。近いもの: 障害対応"),
    "posts/2026/unknown-series.md": (post(extra="series: pg15"), 6, "シリーズ「pg15」は登録されていません"),
    "posts/2026/unknown-key.md": (post(extra="descripton: 説明"), 6, "キー「descripton」は使えません。「description」の書き間違い"),
    "posts/2026/comma-authors.md": (post(author="tanaka, suzuki"), 3, "YAML のリストで書いてください"),
    "posts/2026/two-categories.md": (post(category="[tech, event]"), 4, "category は一つだけ"),
    "posts/2026/featured-yes-please.md": (post(extra="featured: とても"), 6, "featured は true か false"),
    "posts/2026/updated-before.md": (post(extra="updated: 2025-01-01"), 6, "updated が date より前"),
    "posts/2026/missing-image.md": (post(extra="image: images/none.png"), 6, "image「images/none.png」が見つかりません"),
    "posts/2026/wrong-year.md": (post(date="2025-12-31"), 2, "posts/2025/ に移す"),
    "posts/2026/Bad_Name.md": (post(), 0, "ファイル名「Bad_Name」は URL になる"),
    "posts/2026/no-front-matter.md": ("# 前置きなし\n\n本文\n", 1, "先頭にフロントマターがありません"),
    "posts/2026/unclosed.md": ("---\ndate: 2026-01-01\n\n# 題\n", 1, "フロントマターが閉じていません"),
    "posts/2026/duplicate-key.md": (post(extra="author: suzuki"), 6, "「author」が2回書かれています"),
    "posts/2026/same-slug.md": (post(), 0, "スラッグ「same-slug」が posts/2025/same-slug.md と重複"),
    "posts/2025/same-slug.md": (post(date="2025-05-05"), 0, "スラッグ「same-slug」が posts/2026/same-slug.md と重複"),
    "posts/2026/old-format.markdown": (post(), 0, "拡張子「.markdown」の記事は読まれません"),
    "posts/2026/at-the-root.md": (post(), 0, ""),  # placeholder replaced below
}
del BAD_POSTS["posts/2026/at-the-root.md"]
BAD_POSTS["posts/misplaced.md"] = (post(), 0, "posts/<年>/<スラッグ>.md に置いてください")

SHIFT_JIS = post(h1="シフトJIS").encode("cp932")


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    root = tmp_path_factory.mktemp("broken")
    posts = {path: text for path, (text, _line, _msg) in BAD_POSTS.items()}
    posts["posts/2026/shift-jis.md"] = SHIFT_JIS
    posts["posts/2026/fine.md"] = post(h1="問題のない記事")
    site = make_site(root / "site", posts)
    return sphinx_build(site, root / "out")


def test_the_build_fails(broken):
    assert broken.returncode != 0


def test_no_traceback(broken):
    assert "Traceback" not in broken.output
    assert "Exception" not in broken.output


@pytest.mark.parametrize("path", sorted(BAD_POSTS))
def test_each_problem_is_reported_at_its_line(broken, path):
    _text, line, message = BAD_POSTS[path]
    location = f"{path}:{max(line, 1)}:"
    lines = [ln for ln in broken.output.splitlines() if ln.startswith(location)]
    assert any(message in ln for ln in lines), f"{location} {message!r} not in:\n{broken.output}"


def test_shift_jis_is_named(broken):
    assert re.search(r"posts/2026/shift-jis\.md:\d+: ERROR: ファイルが UTF-8 ではありません（Shift_JIS", broken.output)


def test_all_problems_listed_in_one_run_with_a_summary(broken):
    assert len(re.findall(r"^posts/.*: ERROR: ", broken.output, re.M)) >= len(BAD_POSTS) + 1
    assert "記事に" in broken.output and "件の問題があります" in broken.output


def test_the_good_post_is_still_built_and_broken_ones_are_not(broken):
    assert broken.exists("posts/2026/fine.html")
    assert not broken.exists("posts/2026/impossible-date.html")


def test_bom_and_crlf_are_fine(tmp_path):
    text = post(h1="BOM と CRLF", tags="\n  - 障害対応\n  - PostgreSQL").replace("\n", "\r\n")
    site = make_site(tmp_path / "site", {"posts/2026/windows.md": b"\xef\xbb\xbf" + text.encode("utf-8")})
    build = sphinx_build(site, tmp_path / "out")
    assert build.returncode == 0, build.output
    assert "BOM と CRLF" in build.html("posts/2026/windows.html")


REGISTRY_CASES = {
    "tags": ("PostgreSQL:\n  label: PostgreSQL\n  slug: db\nMySQL:\n  label: MySQL\n  slug: db\n", 4, "URL スラッグ「db」は「PostgreSQL」と重複"),
    "categories": ("tech:\n  label: 技術\n  slug: Tech Blog\n", 3, "slug「Tech Blog」は半角英小文字"),
    "authors": ("tanaka:\n  name: 田中\n  avatar: _static/none.svg\n", 3, "avatar「_static/none.svg」が見つかりません"),
    "series": ("シリーズ:\n  title: 題\n", 1, "シリーズの id「シリーズ」は URL に使う"),
}


@pytest.mark.parametrize("kind", sorted(REGISTRY_CASES))
def test_registry_mistakes(tmp_path, kind):
    text, line, message = REGISTRY_CASES[kind]
    site = make_site(tmp_path / "site", {"posts/2026/a.md": post(tags="[]")}, registries={kind: text})
    build = sphinx_build(site, tmp_path / "out")
    assert build.returncode != 0
    assert any(ln.startswith(f"data/{kind}.yml:{line}:") and message in ln for ln in build.output.splitlines()), build.output
    assert "Traceback" not in build.output


def test_a_page_where_ablog_writes_its_listings_is_an_error(tmp_path):
    site = make_site(tmp_path / "site", {"posts/2026/a.md": post(), "blog.md": "# ブログ\n", "blog/tag/x.md": "# x\n"})
    build = sphinx_build(site, tmp_path / "out")
    assert build.returncode != 0
    assert "blog.md:1: ERROR: blog/ は記事一覧・タグ・著者ページの自動生成に使う場所" in build.output
    assert "blog/tag/x.md:1: ERROR: blog/ は" in build.output


def test_a_wrong_site_identity_is_one_clear_error_naming_each_key(tmp_path):
    src = make_site(tmp_path / "site", {"posts/2026/a.md": post(date="2026-01-10 10:00", h1="記事 A")})
    conf = (src / "conf.py").read_text(encoding="utf-8")
    conf = conf.replace('    "company": "株式会社ミナトクラウド",\n', "").replace('"https://tech.minato-cloud.example/")',
                                                                               '"tech.minato-cloud.example")')
    (src / "conf.py").write_text(conf + "\ntechblog_site['colour'] = 'blue'\n", encoding="utf-8")
    build = sphinx_build(src, tmp_path / "out", env=NOW)
    assert build.returncode != 0
    assert "Traceback" not in build.output and "KeyError" not in build.output
    assert "conf.py:12: ERROR: techblog_site['company'] がありません" in build.output
    assert "techblog_site['base_url'] （tech.minato-cloud.example）が http(s) の URL ではありません" in build.output
    assert "techblog_site['colour'] は使われないキーです" in build.output
