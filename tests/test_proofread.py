"""make proofread: each rule on sentences it must flag and sentences it must leave alone, the dictionary, suppressions, changed lines."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .sitebuild import ROOT

# rule -> (sentences that must be flagged, sentences that must not). False positives matter
# more than misses: every "must not" sentence is ordinary, good Japanese technical prose.
CORPUS = {
    "sentence-length": (
        ["この変更では、" + "接続の再利用を有効にしてアイドル接続の上限とタイムアウトを見直し、" * 3 + "最後に監視の閾値も変えました。"],
        ["接続の再利用を有効にしました。", "設定を変え、監視の閾値も見直しました。"],
    ),
    "max-ten": (
        ["まず、設定を確認し、次に、再起動して、最後に監視を見ます。"],
        ["nginx、PostgreSQL、Redis を順に更新しました。", "まず、設定を確認します。",
         "監視、ログ、トレース、アラート、ダッシュボードを見直しました。"],
    ),
    "max-kanji-continuous-len": (
        ["本番環境障害対応手順書を更新しました。"],
        ["障害対応の手順書を更新しました。", "東京都千代田区の拠点です。"],
    ),
    "no-mix-dearu-desumasu": (
        ["設定を変えました。原因は接続の枯渇である。再発はしていません。"],
        ["設定を変えました。原因は接続の枯渇でした。「これは仕様だ」と言われました。"],
    ),
    "no-doubled-joshi": (
        ["材料不足で代替素材で製品を作りました。", "ログをファイルを開いて確認します。"],
        ["その文字列を含むページを取りこぼしません。", "移行が終わったことが分かりました。",
         "障害が起きたとき、監視が先に気付きました。", "設定（接続数を含む）を見直しました。"],
    ),
    "no-dropping-the-ra": (
        ["この画面はだれでも見れる。", "朝早く来れる人を募集します。", "夜はよく寝れない。"],
        ["ログを取れるようにしました。", "この画面はだれでも見られる。", "すぐに帰れる日もあります。", "設定を変えれば動きます。"],
    ),
    "no-double-negative": (
        ["この設定が効かないことはない。", "使えないわけではない。", "遅くなくはない。"],
        ["この設定は効きます。", "使わないことにしました。", "問題はないと判断しました。"],
    ),
    "no-weak-phrase": (
        ["原因は設定の誤りかもしれません。", "この方法が良いと思います。"],
        ["原因は設定の誤りでした。", "思い出したのは翌朝でした。"],
    ),
    "no-redundant-expression": (
        ["設定を変えることで再起動することができます。", "手順の確認を行いました。"],
        ["設定を変えれば再起動できます。", "手順を確認しました。", "式を行ごとに評価します。"],
    ),
    "no-hankaku-kana": (["ｻｰﾊﾞｰを再起動しました。"], ["サーバーを再起動しました。"]),
    "no-exclamation-question-mark": (
        ["ついに移行が終わりました！", "なぜ遅いのか？"],
        ["移行が終わりました。", "英語の見出し「Why?」をそのまま引用しました。"],
    ),
    "no-unmatched-pair": (
        ["設定（接続数の上限を見直しました。", "「ログを見る手順です。"],
        ["設定（接続数の上限）を見直しました。", "手順は 1) 確認 2) 変更 の順です。"],
    ),
    "no-zero-width-spaces": (["設定を\u200b変えました。"], ["設定を変えました。"]),
    "no-invalid-control-character": (["設定を\x07変えました。"], ["設定を変えました。"]),
    "ja-space-between-half-and-full-width": (
        ["PostgreSQLへ移行しました。", "4コアのサーバーです。"],
        ["PostgreSQL へ移行しました。", "4 コアのサーバーです。", "（nginx）と「Redis」です。", "nginx、Redis を使います。"],
    ),
}


def proofread(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "techblog.content.proofread", "--root", str(root), *args],
                          capture_output=True, text=True, cwd=ROOT, check=False)


def site(tmp_path: Path, files: dict[str, str], proofread_yml: str | None = None, terms_yml: str | None = None) -> Path:
    root = tmp_path / "site"
    (root / "data").mkdir(parents=True)
    shutil.copy(ROOT / "data/proofread.yml", root / "data/proofread.yml")
    shutil.copy(ROOT / "data/terms.yml", root / "data/terms.yml")
    if proofread_yml is not None:
        (root / "data/proofread.yml").write_text(proofread_yml, encoding="utf-8")
    if terms_yml is not None:
        (root / "data/terms.yml").write_text(terms_yml, encoding="utf-8")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def page(*paragraphs: str) -> str:
    return "---\ntitle: 例\ndate: 2026-01-10 10:00\n---\n\n# 例\n\n" + "\n\n".join(paragraphs) + "\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Every corpus sentence in a file of its own, checked in one run."""
    files = {}
    for rule, (flagged, clean) in CORPUS.items():
        for kind, sentences in (("flagged", flagged), ("clean", clean)):
            for index, sentence in enumerate(sentences):
                files[f"posts/{rule}/{kind}-{index}.md"] = page(sentence)
    root = site(tmp_path_factory.mktemp("corpus"), files)
    done = proofread(root)
    assert "Traceback" not in done.stderr, done.stderr
    findings = {}
    for row in done.stdout.splitlines():
        if row.startswith("posts/"):
            path, _, _, rule = row.split(":", 4)[:4]
            findings.setdefault(path, set()).add(rule.strip())
    return findings, done.stdout


@pytest.mark.parametrize("rule", list(CORPUS))
def test_each_rule_flags_what_it_should_and_nothing_else(corpus, rule):
    findings, output = corpus
    flagged, clean = CORPUS[rule]
    for index, sentence in enumerate(flagged):
        assert rule in findings.get(f"posts/{rule}/flagged-{index}.md", set()), (sentence, output)
    for index, sentence in enumerate(clean):
        assert not findings.get(f"posts/{rule}/clean-{index}.md"), (sentence, findings.get(f"posts/{rule}/clean-{index}.md"))


def test_a_finding_names_its_place_rule_and_fix(tmp_path):
    root = site(tmp_path, {"posts/a.md": page("設定を変えることで再起動することができます。")})
    done = proofread(root)
    line = page("設定を変えることで再起動することができます。").splitlines().index("設定を変えることで再起動することができます。") + 1
    assert f"posts/a.md:{line}:13: no-redundant-expression: 「することができる」は「できる」で足ります（修正案: できます）" in done.stdout
    assert "校正: 1 ファイルを検査、指摘 1 件（エラー 0 件、警告 1 件）" in done.stdout
    assert done.returncode == 0  # warnings only


def test_code_urls_front_matter_and_quotes_are_not_prose(tmp_path):
    text = ("---\ntitle: ｻｰﾊﾞｰ\ndate: 2026-01-10 10:00\n---\n\n# 例\n\n"
            "`ｻｰﾊﾞｰ` と https://example.com/ｻｰﾊﾞｰ を見ました。\n\n"
            "```text\nｻｰﾊﾞｰ！\n```\n\n> ｻｰﾊﾞｰが止まった！\n\n| 列 |\n|---|\n| ｻｰﾊﾞｰ |\n\n"
            "```{toctree}\npostgresql\n```\n")
    done = proofread(site(tmp_path, {"posts/a.md": text}))
    assert "指摘はありません" in done.stdout, done.stdout


def test_errors_fail_the_command(tmp_path):
    done = proofread(site(tmp_path, {"posts/a.md": page("この画面はだれでも見れる。")}))
    assert done.returncode == 1 and "no-dropping-the-ra" in done.stdout and "（修正案: 見られる）" in done.stdout


def test_severity_and_thresholds_come_from_the_settings(tmp_path):
    settings = "rules:\n  max-ten: {severity: error, max: 1}\n  no-hankaku-kana: off\n"
    done = proofread(site(tmp_path, {"posts/a.md": page("まず、次に、最後に確認します。ｻｰﾊﾞｰです。")}, proofread_yml=settings))
    assert "max-ten" in done.stdout and "no-hankaku-kana" not in done.stdout and done.returncode == 1
    bad = proofread(site(tmp_path / "b", {"posts/a.md": page("文です。")}, proofread_yml="rules:\n  no-such-rule: error\n"))
    assert bad.returncode == 2 and "data/proofread.yml:2: 規則「no-such-rule」はありません" in bad.stderr


TERMS = """\
version: 1
rules:
  - expected: サーバー
    pattern: /サーバ(?!ー)/
    specs:
      - from: サーバを再起動
        to: サーバーを再起動
  - expected: JavaScript
    specs:
      - from: javascript
        to: JavaScript
"""


def test_the_dictionary_finds_terms_and_runs_its_specs(tmp_path):
    done = proofread(site(tmp_path, {"posts/a.md": page("サーバを javascript で監視します。サーバーは 2 台です。")}, terms_yml=TERMS))
    assert "terms: 「サーバ」は「サーバー」と書きます（data/terms.yml:3）（修正案: サーバー）" in done.stdout
    assert "terms: 「javascript」は「JavaScript」と書きます" in done.stdout
    assert done.stdout.count("terms:") == 2 and done.returncode == 1
    failing = TERMS.replace("to: サーバーを再起動", "to: サーバを再起動")
    broken = proofread(site(tmp_path / "b", {"posts/a.md": page("文です。")}, terms_yml=failing))
    assert broken.returncode == 2
    assert "data/terms.yml:3: 用語「サーバー」の specs が通りません: 「サーバを再起動」は「サーバを再起動」になるはずが「サーバーを再起動」" in broken.stderr


def test_the_dictionary_imports_another_prh_file(tmp_path):
    root = site(tmp_path, {"posts/a.md": page("インタフェースを定義します。"),
                           "data/prh/techbooster.yml": "version: 1\nrules:\n  - expected: インターフェース\n    pattern: インタフェース\n"},
                terms_yml="version: 1\nimports:\n  - prh/techbooster.yml\nrules: []\n")
    assert "「インタフェース」は「インターフェース」と書きます（data/prh/techbooster.yml:3）" in proofread(root).stdout


def test_the_shipped_dictionary_and_settings_load(tmp_path):
    done = proofread(site(tmp_path, {"posts/a.md": page("文です。")}))
    assert done.returncode == 0, done.stderr


def test_a_suppression_with_a_reason_allows_the_next_block(tmp_path):
    text = page("% proofread-allow: no-exclamation-question-mark 理由: 製品名「Yahoo!」の引用です\n何が起きたのか？",
                "これは指摘される！",
                "% proofread-allow: no-exclamation-question-mark\nこれも指摘される！")
    done = proofread(site(tmp_path, {"posts/a.md": text}))
    rows = [r for r in done.stdout.splitlines() if r.startswith("posts/")]
    assert len([r for r in rows if "no-exclamation-question-mark" in r]) == 2
    assert any("proofread-allow: proofread-allow に理由がありません" in r for r in rows)
    assert done.returncode == 1


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(root), "PATH": "/usr/bin:/bin"})


def test_changed_lines_mode_reports_only_what_the_pull_request_changed(tmp_path):
    root = site(tmp_path, {"posts/a.md": page("古い文です！", "変えない文です！"), "posts/b.md": page("触らない文です！")})
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "base")
    _git(root, "checkout", "-qb", "feature")
    (root / "posts/a.md").write_text(page("新しい文です！", "変えない文です！", "足した文です！"), encoding="utf-8")
    _git(root, "commit", "-qam", "change")
    done = proofread(root, "--changed-from", "main")
    rows = [r for r in done.stdout.splitlines() if r.startswith("posts/")]
    text = page("新しい文です！", "変えない文です！", "足した文です！").splitlines()
    assert [r.split(":")[1] for r in rows] == [str(text.index("新しい文です！") + 1), str(text.index("足した文です！") + 1)]
    assert "1 ファイルを検査" in done.stdout
    github = proofread(root, "--changed-from", "main", "--format", "github")
    assert github.stdout.splitlines()[0].startswith(f"::warning file=posts/a.md,line={text.index('新しい文です！') + 1},col=7,"
                                                    "title=no-exclamation-question-mark::")
    rd = [json.loads(r) for r in proofread(root, "--changed-from", "main", "--format", "rdjsonl").stdout.splitlines()]
    assert rd[0]["location"]["path"] == "posts/a.md" and rd[0]["code"]["value"] == "no-exclamation-question-mark"
    assert rd[0]["severity"] == "WARNING" and rd[0]["suggestions"] == [{"text": "。"}]


def test_the_sample_has_no_findings():
    done = subprocess.run([sys.executable, "-m", "techblog.content.proofread"], capture_output=True, text=True, cwd=ROOT,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "指摘はありません" in done.stdout, done.stdout
