"""make import: WordPress (both namespace spellings) and Hatena Blog exports into a copy of the sample site, then built."""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from techblog.content import registries
from techblog.content.importing import command, hatena, wordpress
from techblog.content.importing.html_to_myst import Context, convert

from .sitebuild import ROOT, ROOTS, make_site, sphinx_build

FIXTURES = ROOTS / "import"
EXPORTS = ("wordpress-https.xml", "wordpress-http.xml", "hatena.txt")


def run_import(site: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = command.main([*args], root=site)
    return code, out.getvalue(), err.getvalue()


def copy_repository(dest: Path) -> Path:
    """The sample site as a clean clone has it: the repository's tracked files."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        if (ROOT / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)
    return dest


def snapshot(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in ("posts", "data", "imported-pages") for p in (site / folder).rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The three exports imported into a copy of the sample site, and the site built once."""
    site = copy_repository(tmp_path_factory.mktemp("import") / "site")
    reports = {}
    for name in EXPORTS:
        code, out, err = run_import(site, str(FIXTURES / name), "--media", str(FIXTURES / "media"))
        assert code == 0, err
        reports[name] = out
    build = sphinx_build(site, site / "_build" / "html")
    return site, reports, build


def text(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


# -- reading -----------------------------------------------------------------------

def test_both_spellings_of_the_wordpress_namespace_are_read():
    https = wordpress.parse(FIXTURES / "wordpress-https.xml")
    http = wordpress.parse(FIXTURES / "wordpress-http.xml")
    assert [e.key.split(":")[1] for e in https.entries] == ["101", "102", "103", "104", "105", "106", "107"]
    assert [e.key.split(":")[1] for e in http.entries] == ["123", "124"]
    first = https.entries[0]
    assert (first.title, first.status, first.kind, first.authors[0].name) == ("Python で監視スクリプトを書く", "publish", "post", "港 花子")
    assert first.date.isoformat() == "2019-04-12T21:34:00+09:00"  # GMT 12:34 in Japan time
    assert [t.name for t in first.tags] == ["Python", "監視"]
    assert https.attachments == {"https://old.example.com/wp-content/uploads/2019/04/dashboard.png": "dashboard"}


def test_hatena_export_is_read_with_japan_time_and_basenames():
    export = hatena.parse(FIXTURES / "hatena.txt", (FIXTURES / "hatena.txt").read_text(encoding="utf-8"))
    first = export.entries[0]
    assert first.date.isoformat() == "2017-04-23T15:49:57+09:00"
    assert first.old_paths == ["entry/2017/04/23/154957"]
    assert [t.name for t in first.tags] == ["Kubernetes", "運用"]
    assert first.image.endswith("20170423154957.png")
    assert "続きです。" in first.body  # EXTENDED BODY
    assert [e.status for e in export.entries] == ["publish"] * 4 + ["draft"]


@pytest.mark.parametrize(("content", "message"), [
    ("<?xml version='1.0'?>\n<rss><channel>\n<item><title>途中で切れた", ":3: WordPress のエクスポートを XML として読めません"),
    ("<?xml version='1.0'?>\n<rss><channel><title>x</title></channel></rss>", ":1: WordPress のエクスポート（WXR）ではありません"),
    ("AUTHOR: a\nTITLE: t\nDATE: 2017年4月23日\n-----\nBODY:\n<p>x</p>\n-----\n--------\n", ":3: DATE「2017年4月23日」が読めません"),
    ("ただのテキストです\n", ":1: WordPress のエクスポート（WXR の XML）でも、はてなブログのエクスポート"),
])
def test_a_broken_export_is_one_line_and_status_1(tmp_path, content, message):
    site = make_site(tmp_path / "site", {})
    export = tmp_path / "export.txt"
    export.write_text(content, encoding="utf-8")
    code, out, err = run_import(site, str(export))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err, err
    assert not (site / "posts").exists()


# -- what is written -----------------------------------------------------------------

def test_a_post_has_our_front_matter_and_its_old_urls(imported):
    site, _reports, _build = imported
    post = text(site, "posts/2019/python-monitoring.md")
    assert post.startswith('---\ntitle: "Python で監視スクリプトを書く"\ndate: 2019-04-12 21:34\nauthor: hanako\n')
    assert 'tags: ["Python", "監視"]' in post
    assert 'description: "Python で書いた監視スクリプトと、その結果です。"' in post
    assert 'redirect_from: ["2019/04/12/python-monitoring/", "archives/101"]' in post


def test_content_is_converted_to_myst(imported):
    site, _reports, _build = imported
    post = text(site, "posts/2019/python-monitoring.md")
    assert "```python\nimport requests\n\ndef check(url):\n" in post
    assert "| 項目 | 値 |\n|---|---|\n| 対象 | 12 台 |" in post
    assert "- 失敗したら通知\n  - Slack に" in post
    assert "> 計測できないものは改善できない。" in post
    assert "で書きました[^1]。" in post and post.rstrip().endswith("[^1]: requests 2.31 で試しました。")
    assert "```{figure} images/python-monitoring/dashboard-300x200.png\n:alt: 監視ダッシュボード\n\nダッシュボードの画面\n```" in post
    assert (site / "posts/2019/images/python-monitoring/dashboard-300x200.png").is_file()
    assert "```{youtube} dQw4w9WgXcQ\n```" in post and "```{speakerdeck} minatocloud/monitoring-101\n```" in post
    assert "wp:" not in post and "contact-form-7" not in post and "<!--" not in post
    assert "## コード" in post and "### 結果" in post
    # Links between imported posts point at the new pages.
    assert "[日本語スラッグの記事](entry-20190501.md)" in post
    hatena_post = text(site, "posts/2017/kubernetes.md")
    assert "keyword" not in hatena_post and "d.hatena.ne.jp" not in hatena_post
    assert "```sh\nkubectl drain" in hatena_post and "```yaml\napiVersion: v1\nkind: Node\n```" in hatena_post
    assert "## 手順" in hatena_post and "### 確認" in hatena_post  # Hatena's h3/h4 from ##
    assert "![ノードの図](images/kubernetes/20170423154957.png)" in hatena_post
    assert "[次の記事 - 港ブログ](entry-20170501.md)" in hatena_post  # a Hatena blog card of an imported post
    assert "```{speakerdeck} minatocloud/k8s-upgrade\n:title: スライド\n```" in hatena_post
    assert "[^1]: 1.6 のころです" in hatena_post and "iframe" not in hatena_post
    assert "[前の記事](kubernetes.md)" in text(site, "posts/2017/entry-20170501.md")
    numeric = text(site, "posts/2020/entry-20200201.md")
    assert "[February 1, 2020](https://x.com/minato_jiro/status/1234567890123456789)" in numeric
    assert "[同じスラッグの記事](python-monitoring-2.md)" in numeric
    classic = text(site, "posts/2019/entry-20190501.md")
    assert "日本語のスラッグの記事です。\\\n改行はそのまま。" in classic  # WordPress's classic paragraphs
    assert '```bash\necho "a < b"\n```' in classic
    for post in (site / "posts").rglob("*.md"):
        assert not re.search(r"<script|<iframe|onclick", post.read_text(encoding="utf-8")), post


def test_slugs_are_ascii_and_old_urls_still_redirect(imported):
    site, reports, build = imported
    assert 'redirect_from: ["日本語の記事/", "archives/102"]' in text(site, "posts/2019/entry-20190501.md")
    assert 'redirect_from: ["archives/123"]' in text(site, "posts/2020/entry-20200201.md")
    assert 'redirect_from: ["entry/移行のお知らせ"]' in text(site, "posts/2017/entry-20170601.md")
    for page, target in (("entry/2017/04/23/154957.html", "posts/2017/kubernetes.html"),
                         ("2019/04/12/python-monitoring/index.html", "posts/2019/python-monitoring.html"),
                         ("archives/123.html", "posts/2020/entry-20200201.html"),
                         ("日本語の記事/index.html", "posts/2019/entry-20190501.html")):
        assert build.exists(page), page
        assert target in build.html(page)
    assert "123 → posts/2020/entry-20200201.md" in reports["wordpress-http.xml"]


def test_duplicated_slugs_and_basenames_both_survive_and_are_reported(imported):
    site, reports, _build = imported
    assert (site / "posts/2017/entry-20170501.md").is_file() and (site / "posts/2017/entry-20170501-2.md").is_file()
    assert "redirect_from" not in text(site, "posts/2017/entry-20170501-2.md")
    assert "posts/2017/entry-20170501-2.md:1: [スラッグの重複] スラッグ「entry-20170501」が「続きの記事」と重なるので" in reports["hatena.txt"]
    assert ("posts/2017/entry-20170501-2.md:1: [スラッグの重複] 旧 URL「/entry/2017/05/01/100000」は"
            " posts/2017/entry-20170501.md に転送") in reports["hatena.txt"]
    assert (site / "posts/2020/python-monitoring-2.md").is_file()
    assert "posts/2020/python-monitoring-2.md:1: [スラッグの重複] スラッグ「python-monitoring」が既存の記事と重なる" in reports["wordpress-http.xml"]


def test_drafts_scheduled_private_trash_and_pages(imported):
    site, reports, _build = imported
    assert "draft: true" in text(site, "posts/2019/entry-20190601.md")
    assert "draft: true" in text(site, "posts/2017/draft-entry.md")
    scheduled = text(site, "posts/2099/next-year-plans.md")
    assert "date: 2099-01-05 10:00" in scheduled and "draft" not in scheduled
    assert not list((site / "posts").rglob("private-post*")) and not list((site / "posts").rglob("trashed*"))
    assert "取り込んだもの: 公開 2、公開予定 1、下書き 1、固定ページ 1" in reports["wordpress-https.xml"]
    assert "飛ばしたもの: 非公開 1、ゴミ箱 1" in reports["wordpress-https.xml"]
    assert "港テックの会社概要です。" in text(site, "imported-pages/about.md")


def test_unknown_authors_categories_and_tags_are_registered_and_matches_listed(imported):
    site, reports, _build = imported
    regs = registries.load(site)
    assert regs.problems == []
    assert regs.authors.get("hanako").label == "港 花子" and regs.authors.get("jiro").label == "港 次郎"
    assert regs.authors.get("minato-hatena") is not None
    assert regs.categories.get("category-1").label == "開発" and regs.categories.get("imported").label == "移行した記事"
    assert regs.tags.get("Python").slug == "python" and regs.tags.get("運用").slug == "tag-1"
    assert "著者「tanaka（田中 悠真）」→ 登録済みの tanaka（id と名前が同じ）" in reports["wordpress-https.xml"]
    assert "タグ「postgres」→ 登録済みの PostgreSQL（同じ名前・別名）" in reports["wordpress-https.xml"]
    assert 'tags: ["PostgreSQL"]' in text(site, "posts/2019/entry-20190501.md")


def test_the_report_gives_path_and_line_of_each_place_to_look(imported):
    site, reports, _build = imported
    https, hatena_report = reports["wordpress-https.xml"], reports["hatena.txt"]
    classic = text(site, "posts/2019/entry-20190501.md").split("\n")
    assert "posts/2019/entry-20190501.md:13: [見つからない画像]" in https and "gone.png" in classic[12]
    assert "posts/2019/entry-20190501.md:17: [取り除いたスクリプト・iframe・ハンドラ] <script>" in https
    assert "posts/2019/entry-20190501.md:17: [取り除いたスクリプト・iframe・ハンドラ] <p> のイベントハンドラ（onclick）" in https
    assert "ショートコード「[contact-form-7" in https
    assert "[取り除いたスクリプト・iframe・ハンドラ] <iframe>（https://evil.example.net/widget）" in hatena_report
    assert "posts/2017/entry-20170501.md:12: [安全チェック] ホスト名「cdn-ak.f.st-hatena.com」" in hatena_report
    assert "埋め込み: YouTube 1、Speaker Deck 1、はてなの埋め込み 1" in hatena_report
    assert (site / "_build/import-report.txt").read_text(encoding="utf-8") == hatena_report.split("\n報告を")[0]


def test_the_build_lists_every_problem_at_its_line_and_passes_once_fixed(imported, tmp_path):
    site, reports, build = imported
    problems = set(re.findall(r"^(posts/\S+\.md):(\d+): ERROR", build.output, re.MULTILINE))
    assert build.returncode != 0
    assert problems == {("posts/2017/entry-20170501.md", "12"), ("posts/2020/entry-20200201.md", "16")}, build.output
    listed = "".join(reports.values())
    for path, line in problems:  # the import's report listed each one already
        assert f"{path}:{line}: [安全チェック]" in listed
    assert "WARNING" not in build.output.replace("問題", ""), build.output
    page = build.html("posts/2019/python-monitoring.html")
    assert "techblog-embed-youtube" in page and "dashboard-300x200.png" in page
    assert "<iframe" not in page and "onclick" not in page
    # The writer fixes the two lines: the site builds.
    fixed = shutil.copytree(site, tmp_path / "fixed", ignore=shutil.ignore_patterns("_build"))
    for rel, old, new in (("posts/2017/entry-20170501.md", r"^\[画像: .*$", "（画像は移行できませんでした）"),
                          ("posts/2020/entry-20200201.md", "http://insecure.example.org", "https://insecure.example.org")):
        file = fixed / rel
        file.write_text(re.sub(old, new, file.read_text(encoding="utf-8"), flags=re.MULTILINE), encoding="utf-8")
    again = sphinx_build(fixed, tmp_path / "out")
    assert again.returncode == 0, again.output


def test_importing_again_changes_nothing(imported):
    site, _reports, _build = imported
    before = snapshot(site)
    for name in EXPORTS:
        code, out, _err = run_import(site, str(FIXTURES / name), "--media", str(FIXTURES / "media"))
        assert code == 0 and "ファイル: 変わっていない" in out and "新しく書いた" not in out
    assert snapshot(site) == before


# -- --update, the mapping file --------------------------------------------------------

HATENA_ONE = """\
AUTHOR: minato-hatena
TITLE: 一つだけの記事
BASENAME: 2018/01/01/000000
STATUS: Publish
DATE: 01/01/2018 09:00:00
CATEGORY: Kubernetes
CATEGORY: 運用
-----
BODY:
<p>{body}</p>
-----
--------
"""


def test_update_refreshes_a_changed_post_and_keeps_a_hand_edited_one(tmp_path):
    site = make_site(tmp_path / "site", {})
    export = tmp_path / "export.txt"
    export.write_text(HATENA_ONE.format(body="最初の本文"), encoding="utf-8")
    assert run_import(site, str(export))[0] == 0
    post = site / "posts/2018/entry-20180101.md"
    assert "最初の本文" in post.read_text(encoding="utf-8")
    export.write_text(HATENA_ONE.format(body="直した本文"), encoding="utf-8")
    code, out, _err = run_import(site, str(export))
    assert code == 0 and "エクスポートで変わった（--update で更新） 1" in out
    assert "最初の本文" in post.read_text(encoding="utf-8")
    code, out, _err = run_import(site, str(export), "--update")
    assert "更新した 1" in out and "直した本文" in post.read_text(encoding="utf-8")
    post.write_text(post.read_text(encoding="utf-8") + "\n手で足した段落\n", encoding="utf-8")
    export.write_text(HATENA_ONE.format(body="三度目の本文"), encoding="utf-8")
    code, out, _err = run_import(site, str(export), "--update")
    assert "手で直されているので上書きしなかった 1" in out and "posts/2018/entry-20180101.md:1: [手で直された記事]" in out
    assert "手で足した段落" in post.read_text(encoding="utf-8")


def _import_with_map(tmp_path, mapping_text: str):
    """(site, mapping file, import's status, output, errors) of one Hatena entry imported with *mapping_text*."""
    site = make_site(tmp_path / "site", {})
    export = tmp_path / "export.txt"
    export.write_text(HATENA_ONE.format(body="本文"), encoding="utf-8")
    mapping = tmp_path / "map.yml"
    mapping.write_text(mapping_text, encoding="utf-8")
    return (site, mapping, *run_import(site, str(export), "--map", str(mapping)))


def test_a_mapping_file_merges_into_registered_ids(tmp_path):
    site, _mapping, code, out, _err = _import_with_map(
        tmp_path, "authors:\n  minato-hatena: tanaka\ncategories:\n  Kubernetes: tech\ntags:\n  運用: 障害対応\n")
    assert code == 0
    post = (site / "posts/2018/entry-20180101.md").read_text(encoding="utf-8")
    assert "author: tanaka\ncategory: tech\ntags: [\"障害対応\"]\n" in post
    assert "著者「minato-hatena」→ tanaka（対応表）" in out and "タグ「運用」→ 障害対応（対応表）" in out
    assert "data/authors.yml に追加" not in out


def test_a_mapping_to_an_unknown_id_stops_before_writing(tmp_path):
    site, mapping, code, _out, err = _import_with_map(tmp_path, "authors:\n  minato-hatena: tanka\n")
    assert code == 1 and f"{mapping}:2: 著者「tanka」は登録されていません。近いもの: tanaka" in err
    assert not (site / "posts").exists()


# -- the converter's corners --------------------------------------------------------------

def test_myst_syntax_in_text_is_escaped_and_headings_are_consecutive():
    source = ("<p>% これはコメントではない</p><p>(label)=</p><p>1. 番号ではない</p><p>::: 囲みではない</p>"
              "<h1>大見出し</h1><h4>飛んだ見出し</h4><p>a_b と _x_ と *星* と [括弧]</p>")
    body, notes = convert(source, Context())
    assert body.split("\n\n") == ["\\% これはコメントではない", "\\(label)=", "1\\. 番号ではない", "\\::: 囲みではない",
                                  "## 大見出し", "### 飛んだ見出し", "a_b と \\_x\\_ と \\*星\\* と \\[括弧\\]\n"]
    assert notes == []


def test_emphasis_next_to_japanese_punctuation_still_renders():
    body, _ = convert("<p>これは<strong>「重要」</strong>です。<em>強調</em>も。</p>", Context())
    assert body == "これは{strong}`「重要」`です。*強調*も。\n"


def test_unknown_code_language_is_left_out_and_noted():
    body, notes = convert('<pre class="code lang-brainfuck-ish" data-lang="brainfuck-ish">+++</pre>', Context())
    assert body == "```\n+++\n```\n"
    assert [(line, note.kind) for line, note in notes] == [(1, "unconverted")]
