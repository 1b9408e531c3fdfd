"""The pre-publish safety check: a corpus of bad posts, one finding each, at its line; a clean, suppressed site passes."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest
from PIL import Image

from techblog.safety.config import Config
from techblog.safety.extension import scan
from techblog.safety.source import Source

from .sitebuild import ROOT, make_site, post, sphinx_build

SAFETY_YML = """\
allowed_domains:
  - github.com
  - postgresql.org
  - youtube.com
allowed_addresses:
  - 8.8.8.8
denied_names:
  - 港湾物流ホールディングス
  - Kowan Logistics
"""


def fence(lang: str, code: str) -> str:
    return f"```{lang}\n{code}\n```\n"


def png(size=(8, 8), noise=False) -> bytes:
    image = Image.effect_noise(size, 100).convert("RGB") if noise else Image.new("RGB", size, "teal")
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (35.0, 39.0, 0.0), 3: "E", 4: (139.0, 44.0, 0.0)})
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "JPEG", exif=exif)
    return buf.getvalue()


# name -> (body, the text on the finding's line, what the message says, rule subject)
CASES = {
    # Secrets
    "private-key": (fence("text", "-----BEGIN OPENSSH PRIVATE KEY-----\n（略）\n-----END OPENSSH PRIVATE KEY-----"),
                    "BEGIN OPENSSH", "秘密鍵", "private-key"),
    "aws-access-key": (fence("ini", "[default]\naws_access_key_id = AKIAZ4KXQ3JBWT5CNRPL"), "AKIAZ4", "AWS のアクセスキー", "aws-access-key"),
    "aws-secret-unquoted": (fence("ini", "[default]\naws_secret_access_key = Zq3v8Tn1Kx0Lm9Pq2Rs4Tu6Vw8Xy0Za1Bc3De5Fg"),
                            "aws_secret", "設定ファイルのパスワード", "password-setting"),
    "github-token-in-text": ("検証には ghp_9aB8cD7eF6gH5iJ4kL3mN2oP1qR0sT9uV8wX を使いました。\n", "ghp_", "GitHub", "github-token"),
    "slack-token": (fence("yaml", "slack:\n  channel: '#ops'\n  bot: xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
                    "xoxb-", "Slack", "slack-token"),
    "yaml-password": (fence("yaml", "database:\n  user: app\n  password: hunter2correct"), "hunter2", "設定ファイルのパスワード", "password-setting"),
    "mysql-p": (fence("console", "$ mysql -u root -pS3cretPassw0rd orders"), "mysql", "mysql の -p", "mysql-password"),
    "pgpassword": (fence("console", "$ PGPASSWORD=S3cretPassw0rd psql -h 192.0.2.10 -U app"), "PGPASSWORD", "環境変数", "password-variable"),
    "curl-user": (fence("console", "$ curl -u admin:S3cretPassw0rd https://api.example.com/v1/health"), "curl", "curl の -u", "curl-user"),
    "url-credentials": (fence("console", "$ psql postgres://app:S3cretPassw0rd@db.example.com/app"), "postgres://",
                        "URL に埋め込んだ", "basic-auth-credentials"),
    "google-api-key": (fence("js", "const maps = 'AIzaSyD4x9Qb7Kq2Lm8Np3Rs6Tv1Wx5Yz0AbCdE';"), "AIza", "Google の API キー", "google-api-key"),
    "bearer": (fence("http", "GET /v1/orders HTTP/1.1\nAuthorization: Bearer 8f2d9c1e7b4a6053d2e8f1c9a7b3e5d4"), "Bearer",
               "Authorization", "authorization-header"),
    "jwt": (fence("text", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
            "eyJ", "JWT", "json-web-token"),
    "sk-key": (fence("python", 'client = Client(api_key="sk-proj-4fT9xQ2mL8nR5vK1wP7zB3cY6hJ0dS9gA2eU4iO8")'), "sk-proj", "", None),
    "gitlab-token": (fence("text", "glpat-AbCdEfGhIjKlMnOpQrSt"), "glpat", "", "gitlab-token"),
    "google-oauth": (fence("text", "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"), "GOCSPX", "OAuth", "google-oauth-secret"),
    # Addresses and names
    "private-ipv4": (fence("nginx", "upstream app {\n    server 10.12.3.45:8080;\n}"), "10.12.3.45", "192.0.2.45", "10.12.3.45"),
    "public-ipv4-text": ("お客様の拠点 52.69.10.20 からの通信でした。\n", "52.69.10.20", "203.0.113.20", "52.69.10.20"),
    "private-cidr": (fence("hcl", 'cidr_block = "10.20.0.0/16"'), "10.20.0.0/16", "198.51.100.0/24", "10.20.0.0/16"),
    "ipv6": (fence("console", "$ ping -6 2404:6800:4004:80a::200e"), "2404:6800", "2001:db8::200e", "2404:6800:4004:80a::200e"),
    "customer-domain": ("接続先は db01.kowan-butsuryu.co.jp です。\n", "db01.kowan", "db01.example.jp", "db01.kowan-butsuryu.co.jp"),
    "domain-in-link": ("[障害情報](https://status.acme-corp.com/incidents/42) を参照。\n", "status.acme", "status.example.com", "status.acme-corp.com"),
    "internal-host": (fence("console", "$ redis-cli -h cache01.prod.internal"), "cache01", "cache01.prod.example", "cache01.prod.internal"),
    "email": ("ご質問は ops@acme-corp.com まで。\n", "ops@", "example.com", "acme-corp.com"),
    "denied-name-ja": ("港湾物流ホールディングス様の事例です。\n", "港湾物流", "お客様などの名前", "港湾物流ホールディングス"),
    "denied-name-in-code": (fence("yaml", "# Kowan Logistics 向けの設定\nreplicas: 3"), "Kowan", "お客様などの名前", "Kowan Logistics"),
    # Markup
    "script": ("<script>alert(1)</script>\n", "<script>", "<script> は書けません", "script"),
    "iframe": ('<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>\n', "<iframe", "<iframe> は書けません", "iframe"),
    "object": ('<object data="movie.swf"></object>\n', "<object", "<object> は書けません", "object"),
    "event-handler": ('ここを<span onclick="steal()">クリック</span>。\n', "onclick", "イベント属性「onclick」", "onclick"),
    "javascript-href": ('<a href="javascript:alert(1)">開く</a>\n', "javascript", "javascript:", "javascript:"),
    "javascript-link": ("[開く](javascript:alert(1))\n", "javascript", "javascript:", "javascript:"),
    "external-video": ('<video src="https://cdn.example.com/a.mp4"></video>\n', "<video", "ほかのサイトから読み込み", "https://cdn.example.com/a.mp4"),
    "script-in-admonition": ("```{note}\n補足です。\n\n<script src=\"/x.js\"></script>\n```\n", "<script", "<script> は書けません", "script"),
    "raw-html-directive": ("```{raw} html\n<div>\n<iframe src=\"/x\"></iframe>\n</div>\n```\n", "<iframe", "<iframe> は書けません", "iframe"),
    # Images
    "image-missing": ("![構成図](images/none.png)\n", "none.png", "がありません", "images/none.png"),
    "image-no-alt": ("![](images/ok.png)\n", "ok.png", "代替テキスト", "images/ok.png"),
    "image-figure-no-alt": ("```{figure} images/ok.png\n構成図です。\n```\n", "figure", "代替テキスト", "images/ok.png"),
    "image-too-big": ("![大きな画像](images/big.png)\n", "big.png", "1 MB 以下", "images/big.png"),
    "image-gps": ("![会場の写真](images/gps.jpg)\n", "gps.jpg", "位置情報", "images/gps.jpg"),
    "image-external": ("![ロゴ](https://cdn.example.com/logo.png)\n", "cdn.example.com", "ほかのサイトから読み込んで", "https://cdn.example.com/logo.png"),
    "image-html-no-alt": ('<img src="images/ok.png">\n', "<img", "代替テキスト", "images/ok.png"),
    # Links
    "http-link": ("[PostgreSQL の文書](http://www.postgresql.org/docs/)\n", "http://", "https:// に書き換えて", "http://www.postgresql.org/docs/"),
    "missing-doc": ("[前回](./does-not-exist.md) の続きです。\n", "does-not-exist", "リンク先", None),
    "missing-anchor": ("[設定の節](#no-such-section) を見てください。\n", "no-such-section", "リンク先", None),
    # Suppressions that are themselves wrong
    "allow-without-reason": ("% safety-allow: ip 10.0.0.5\nサーバーは 192.0.2.5 です。\n", "safety-allow", "理由がありません", None),
    "allow-unused": ("% safety-allow: ip 10.0.0.5 理由: 説明のため\nサーバーは 192.0.2.5 です。\n", "safety-allow", "当てはまる指摘がありません", None),
    # Diagrams
    "mermaid-javascript-click": (fence("mermaid", 'flowchart LR\n  A --> B\n  click A "javascript:alert(1)"'), "click A",
                                 "スクリプト URL", "javascript:"),
    "mermaid-call": (fence("mermaid", "flowchart LR\n  A --> B\n  click B call steal()"), "click B", "ページの関数", "call"),
    "mermaid-http-click": (fence("mermaid", 'flowchart LR\n  A --> B\n  click A href "http://www.postgresql.org/docs/"'),
                           "click A", "http://", "http://www.postgresql.org/docs/"),
    "graphviz-javascript-url": (fence("dot", 'digraph G {\n  a [URL="javascript:alert(1)"];\n}'), "URL=", "スクリプト URL",
                                "javascript:"),
    # Embeds
    "embed-bad-id": ("```{youtube} https://www.youtube.com/watch?v=dQw4w9WgXcQ\n```\n", "{youtube}", "ID だけを書いて", None),
}


def _text(name: str) -> str:
    return post(h1=f"事例 {name}", body=CASES[name][0])


def _expected_line(name: str) -> int:
    needle = CASES[name][1]
    lines = _text(name).split("\n")
    return next(i + 1 for i, line in enumerate(lines) if needle in line and not line.startswith("# 事例"))


IMAGES = {"posts/2026/images/ok.png": png(), "posts/2026/images/big.png": png((720, 720), noise=True),
          "posts/2026/images/gps.jpg": jpeg_with_gps()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("unsafe")
    posts = {f"posts/2026/{name}.md": _text(name) for name in CASES}
    posts.update(IMAGES)
    posts["posts/2026/clean.md"] = post(h1="問題のない記事", body="サーバーは 192.0.2.10 です。\n")
    site = make_site(root / "site", posts, registries={"safety": SAFETY_YML})
    return sphinx_build(site, root / "out")


def test_corpus_fails_the_build_without_a_traceback(corpus):
    assert corpus.returncode != 0
    assert "Traceback" not in corpus.output
    assert not re.search(r"^posts/2026/clean\.md:", corpus.output, re.M), corpus.output


def test_big_image_fixture_is_over_a_megabyte():
    assert len(IMAGES["posts/2026/images/big.png"]) > 1024 * 1024


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_rule_catches_its_case_at_its_line(corpus, name):
    _body, _needle, message, subject = CASES[name]
    path = f"posts/2026/{name}.md"
    ours = [ln for ln in corpus.output.splitlines() if ln.startswith(f"{path}:") and "ERROR:" in ln]
    assert len(ours) == 1, f"{path}: expected one finding, got:\n" + "\n".join(ours)
    assert ours[0].startswith(f"{path}:{_expected_line(name)}: ERROR: "), ours[0]
    assert message in ours[0], ours[0]
    if subject:
        assert subject in ours[0], ours[0]


def test_summary_counts_pages_and_findings(corpus):
    match = re.search(r"安全チェック: (\d+) ページを検査、指摘 (\d+) 件、理由つきで許可 0 件", corpus.output)
    assert match, corpus.output
    assert int(match.group(2)) >= len(CASES) - 3  # missing references are Sphinx's, the bad embed id is the directive's


WORKER_BUILD = """
import sys
import techblog.safety.extension as extension
from sphinx.cmd.build import main

extension.WORKER_MIN_PAGES = 1  # the fixture's few pages go to the second process
if sys.argv[3] == "failing":
    def failed(self):
        self.stop()
        self.error = "テストで止めました"
    extension.worker.Running.results = failed
sys.exit(main(["--no-color", "-E", "-W", "--keep-going", "-b", "html", sys.argv[1], sys.argv[2]]))
"""


def _findings(output: str) -> list[str]:
    return sorted(line for line in output.splitlines() if re.match(r"posts/\S+:\d+: (ERROR|許可)", line))


@pytest.mark.parametrize("worker", ["working", "failing"])
def test_pages_checked_in_a_second_process_give_the_same_findings(corpus, tmp_path, worker):
    result = subprocess.run([sys.executable, "-c", WORKER_BUILD, str(corpus.src), str(tmp_path / "out"), worker],
                            capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": "0"})
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output, output
    assert len(_findings(corpus.output)) >= len(CASES) - 3
    assert _findings(output) == _findings(corpus.output)
    pages = len(list((corpus.src / "posts").rglob("*.md"))) + 1  # and index.md
    if worker == "working":
        assert f"安全チェック: {pages} ページは読み込みと並行して別のプロセスで検査しました" in output, output
    else:
        assert "安全チェック: 別のプロセスが失敗したので、このプロセスで検査します（テストで止めました）" in output, output
    assert "別のプロセスで検査" not in corpus.output


ALLOWED = """\
インスタンスのメタデータ（8.8.8.8 は許可リストにある）と、説明用の 192.0.2.10。

% safety-allow: ip 10.0.0.5 理由: AWS の既定の VPC の説明で、特定の環境のアドレスではない
既定の VPC では DNS が 10.0.0.5 のようなアドレスになります。

% safety-allow: domain legacy.kowan-butsuryu.co.jp 理由: 公開済みの事例記事（先方の許諾あり）
```console
$ dig legacy.kowan-butsuryu.co.jp
$ dig legacy.kowan-butsuryu.co.jp AAAA
```

```{youtube} dQw4w9WgXcQ
:title: 発表の録画
```

```{speakerdeck} minatocloud/pg16-migration
```
"""
XSS_TITLE = "<img src=x onerror=alert(1)>"
XSS_DESCRIPTION = "<script>alert(2)</script> の説明"


@pytest.fixture(scope="module")
def allowed(tmp_path_factory):
    root = tmp_path_factory.mktemp("allowed")
    posts = {
        "posts/2026/allowed.md": post(h1="許可した記事", body=ALLOWED),
        "posts/2026/xss.md": post(title=f"'{XSS_TITLE}'", h1=None, extra=f"description: '{XSS_DESCRIPTION}'",
                                  body="本文です。\n"),
    }
    site = make_site(root / "site", posts, registries={"safety": SAFETY_YML})
    return sphinx_build(site, root / "out")


def test_suppressed_findings_pass_and_are_counted(allowed):
    assert allowed.returncode == 0, allowed.output
    assert "理由つきで許可 3 件" in allowed.output, allowed.output
    lines = post(h1="許可した記事", body=ALLOWED).split("\n")
    vpc = lines.index("既定の VPC では DNS が 10.0.0.5 のようなアドレスになります。") + 1
    dig = lines.index("$ dig legacy.kowan-butsuryu.co.jp") + 1
    assert f"posts/2026/allowed.md:{vpc}: 許可（ip 10.0.0.5）理由: AWS の既定の VPC" in allowed.output
    assert f"posts/2026/allowed.md:{dig}: 許可（domain legacy.kowan-butsuryu.co.jp）理由: 公開済み" in allowed.output
    assert f"posts/2026/allowed.md:{dig + 1}: 許可（domain legacy.kowan-butsuryu.co.jp）" in allowed.output


def test_suppression_comments_are_not_published(allowed):
    assert "safety-allow" not in allowed.html("posts/2026/allowed.html")


def test_embeds_are_link_cards_that_load_nothing(allowed):
    html = allowed.html("posts/2026/allowed.html")
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html
    assert "発表の録画" in html
    assert 'href="https://speakerdeck.com/minatocloud/pg16-migration"' in html
    assert "<iframe" not in html
    assert "youtube.com/embed" not in html and "ytimg" not in html


def test_the_sample_site_has_no_findings(sample):
    assert re.search(r"安全チェック: \d+ ページを検査、指摘 0 件", sample.output), sample.output


def test_the_sample_site_is_scanned_whole(sample):
    pages = int(re.search(r"安全チェック: (\d+) ページ", sample.output).group(1))
    sources = [p for p in ROOT.rglob("*.md") if not any(part.startswith((".", "_")) for part in p.relative_to(ROOT).parts)
               and p.relative_to(ROOT).parts[0] in ("posts", "docs", "index.md")]
    assert pages >= len(sources) - 3  # drafts and scheduled posts are not built


# Unit level: what must NOT be a finding (prose, versions, file names, code, documentation values)
FALSE_POSITIVES = """\
PostgreSQL 16.4.1 に上げ、postgresql.conf と nginx.conf、main.py、README.md を直しました。
`self.name` と `logger.info("x")`、`threading.local()`、`System.IO`、v1.2.3.4 のビルド。
サーバーは 192.0.2.10、198.51.100.7、203.0.113.5、2001:db8::10、127.0.0.1、::1、0.0.0.0 で待ち受けます。
マスクは 255.255.255.0、プライベート範囲 10.0.0.0/8・172.16.0.0/12・192.168.0.0/16 の一般論。
時刻 12:34:56、MAC 00:1a:2b:3c:4d:5e、std::vector、api.example.com、db.example.jp、a.test、tech.minato-cloud.example。
[GitHub](https://github.com/minato-cloud/engineering-blog) と [PostgreSQL](https://www.postgresql.org/docs/16/)。
ログの posts/2026/nginx-tuning.md:3 と main.py:12 はファイル名です。
```yaml
password: ${DB_PASSWORD}
password: <パスワード>
token: ${{ secrets.GITHUB_TOKEN }}
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
password_encryption = scram-sha-256
ssl_key_file = '/etc/ssl/private/server.key'
max_tokens: 1000
```
```console
$ git log -1 --format=%H
3f2a9c8e1b7d4f6a0c5e9b2d8f1a7c3e6b4d0f9a
$ docker pull postgres@sha256:9b2e7c4f1a8d3e6b0c5f2a9d8e1b4c7f3a6d0e9b2c5f8a1d4e7b0c3f6a9d2e5b
$ psql -h 192.0.2.10 -U app --password
$ mysql -u root -p orders
```
```html
<script src="https://cdn.example.com/x.js"></script>
<iframe src="https://evil.example"></iframe>
```
XSS の例は `<img src=x onerror=alert(1)>` のように書きます。JavaScript: ブラウザの言語です。
"""


def test_normal_prose_code_and_documentation_values_are_not_findings(tmp_path):
    config = Config(allowed_domains=["github.com", "postgresql.org"], denied_names=["港湾物流ホールディングス"])
    result = scan(Source("posts/2026/ok.md", FALSE_POSITIVES, frozenset({"colon_fence"})), tmp_path, config)
    assert result.findings == [], "\n".join(f"{f.line}: {f.message}" for f in result.findings)


def _scan(text: str, tmp_path) -> tuple[list, list]:
    result = scan(Source("posts/2026/p.md", text, frozenset({"colon_fence"})), tmp_path, Config())
    return [(f.line, f.rule, f.subject) for f in result.findings], [(f.line, f.subject) for f, _ in result.suppressed]


def test_a_comment_allows_the_next_line_only(tmp_path):
    text = "% safety-allow: ip 10.0.0.5 理由: 既定値の説明\n10.0.0.5 です。\n10.0.0.5 もです。\n"
    assert _scan(text, tmp_path) == ([(3, "ip", "10.0.0.5")], [(2, "10.0.0.5")])


def test_an_allow_on_the_code_line_itself_covers_that_line(tmp_path):
    text = "```nginx\nserver 10.0.0.5:80;  # safety-allow: ip 10.0.0.5 理由: 既定値の説明\nserver 10.0.0.6:80;\n```\n"
    assert _scan(text, tmp_path) == ([(3, "ip", "10.0.0.6")], [(2, "10.0.0.5")])


def test_an_allow_names_its_subject_exactly(tmp_path):
    text = "% safety-allow: ip 10.0.0.5 理由: 既定値の説明\n10.0.0.5 と 10.0.0.7 です。\n"
    assert _scan(text, tmp_path) == ([(2, "ip", "10.0.0.7")], [(2, "10.0.0.5")])


def test_the_syntax_shown_in_backticks_is_documentation(tmp_path):
    assert _scan("書き方は `% safety-allow: 規則 対象 理由: …` です。\n", tmp_path) == ([], [])


def test_a_mistyped_rule_is_an_error(tmp_path):
    findings, _ = _scan("% safety-allow: ipp 10.0.0.5 理由: 説明\n10.0.0.5 です。\n", tmp_path)
    assert (1, "allow", "") in findings and (2, "ip", "10.0.0.5") in findings


def test_a_broken_link_fails_the_build_even_without_warnings_as_errors(tmp_path):
    site = make_site(tmp_path / "site", {"posts/2026/a.md": post(body="[前回](./nothing.md) の続きです。\n")})
    proc = subprocess.run([sys.executable, "-m", "sphinx", "--no-color", "-E", "-b", "html", str(site), str(tmp_path / "out")],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert re.search(r"^posts/2026/a\.md:\d+: ERROR: リンク先「.*nothing\.md」が見つかりません", output, re.M), output
