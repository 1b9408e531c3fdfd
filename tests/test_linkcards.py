"""Link cards: a URL alone in its paragraph is a card from the committed cache; ``make linkcards`` fills the cache."""

from __future__ import annotations

import http.server
import shutil
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from techblog.safety.linkcards import check as check_cache
from techblog.writing.linkcards import cache
from techblog.writing.linkcards.command import main as linkcards_main

from .sitebuild import ROOT, build_here, make_site, post, sphinx_build

HIT = "https://www.postgresql.org/docs/16/index.html"
AUTOLINK = "https://github.com/sphinx-doc/sphinx"
MISS = "https://www.python.org/downloads/"
IN_LIST = "https://docs.python.org/3/library/ipaddress.html"

BODY = f"""\
カードの前の段落です。

{HIT}

文中の {HIT} はカードになりません。

<{AUTOLINK}>

{MISS}

- {IN_LIST}
"""
# post() puts 6 front-matter lines, a blank line and the H1 before the body.
BODY_LINE = 10
MISS_LINE = BODY_LINE + 8

CACHE = f"""\
# テスト用のキャッシュ
{HIT}:
  title: "PostgreSQL 16 文書 <b>&</b>"
  description: 世界で最も先進的なオープンソースデータベースの文書です。
  site_name: PostgreSQL
  image: data/linkcards/pg.webp
  width: 240
  height: 126
  fetched: '2026-01-20'
{AUTOLINK}:
  title: sphinx-doc/sphinx
  site_name: GitHub
"""
BAD_CACHE = """\
http://10.1.2.3/wiki:
  title: 社内 Wiki
https://www.python.org/about/:
  title: About
  image: ../secrets/photo.png
https://www.postgresql.org/about/:
  title: About PostgreSQL
  image: https://www.postgresql.org/media/img/about/press/elephant.png
https://wiki.corp.internal/page:
  title: 社内ページ
"""


def _site(root: Path, extra_cache: str = "") -> Path:
    make_site(root, {"posts/2026/cards.md": post(h1="カード", body=BODY)})
    shutil.copy(ROOT / "data/safety.yml", root / "data/safety.yml")
    (root / "data/linkcards").mkdir()
    Image.new("RGB", (240, 126), (51, 103, 145)).save(root / "data/linkcards/pg.webp", "WEBP")
    (root / cache.FILE).write_text(CACHE + extra_cache, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def relaxed(tmp_path_factory):
    """A writer's build: CI unset, the cache miss is a line of output and the build passes."""
    root = tmp_path_factory.mktemp("linkcards")
    return build_here(_site(root / "site"), root / "out", env={"CI": ""})


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    """CI's build (CI=true), with unsafe entries in the cache."""
    root = tmp_path_factory.mktemp("linkcards-ci")
    return sphinx_build(_site(root / "site", BAD_CACHE), root / "out", env={"CI": "true"})


@pytest.fixture(scope="module")
def page(relaxed):
    assert relaxed.returncode == 0, relaxed.output
    return relaxed.html("posts/2026/cards.html")


def _card(page: str, url: str) -> str:
    start = page.index(f'<a class="tb-linkcard" href="{url}"')
    return page[start:page.index("</a>", start) + 4]


def test_a_url_alone_in_its_paragraph_is_a_card_with_title_description_site_and_image(relaxed, page):
    card = _card(page, HIT)
    assert 'aria-labelledby="tb-linkcard-1-t"' in card and 'aria-describedby="tb-linkcard-1-d"' in card
    assert '<span class="tb-linkcard__title" id="tb-linkcard-1-t">PostgreSQL 16 文書 &lt;b&gt;&amp;&lt;/b&gt;</span>' in card
    assert "世界で最も先進的なオープンソースデータベースの文書です。" in card
    assert '<span class="tb-linkcard__site-name">PostgreSQL</span><span class="tb-linkcard__host">www.postgresql.org</span>' in card
    assert '<img class="tb-linkcard__image" src="../../_images/pg.webp" width="240" height="126" alt="" loading="lazy"' in card
    assert relaxed.exists("_images/pg.webp")
    assert "_static/techblog-linkcards.css" in page
    assert "_static/techblog-linkcards.css" not in relaxed.html("index.html")


def test_an_autolink_alone_is_a_card_too_and_an_entry_without_image_has_none(page):
    card = _card(page, AUTOLINK)
    assert "sphinx-doc/sphinx" in card and "<img" not in card and "tb-linkcard__description" not in card


def test_a_url_in_a_sentence_or_a_list_stays_as_written(page):
    assert f"<p>文中の {HIT} はカードになりません。</p>" in page
    assert page.count('class="tb-linkcard"') == 2
    assert f'<li><p>{IN_LIST}</p></li>' in page or f"<li>{IN_LIST}</li>" in page


def test_a_url_missing_from_the_cache_is_a_plain_link_and_a_line_of_output_for_a_writer(relaxed, page):
    assert f'<p><a class="external reference" href="{MISS}">{MISS}</a></p>' in page
    assert f"posts/2026/cards.md:{MISS_LINE}: リンクカード: リンクカードの URL「{MISS}」が data/linkcards.yml にありません。" \
           "`make linkcards` を実行して" in relaxed.output


def test_in_ci_a_cache_miss_fails_the_build_at_its_line(strict):
    assert strict.returncode != 0
    assert f"posts/2026/cards.md:{MISS_LINE}: ERROR: リンクカードの URL「{MISS}」が data/linkcards.yml にありません。" in strict.output
    assert "Traceback" not in strict.output


def test_the_safety_check_reports_unsafe_cache_entries_at_their_lines(strict):
    first = CACHE.count("\n") + 1
    expected = {
        first: "リンクカードの URL「http://10.1.2.3/wiki」のホストは社内・ローカルのアドレス（10.1.2.3）です。",
        first + 4: "リンクカードの画像「../secrets/photo.png」は data/linkcards/ の中のファイルではありません。",
        first + 7: "リンクカードの画像「https://www.postgresql.org/media/img/about/press/elephant.png」は data/linkcards/ の中のファイルではありません。",
        first + 8: "リンクカードの URL「https://wiki.corp.internal/page」のホストは社内・ローカル用の名前（.internal）のホスト（wiki.corp.internal）です。",
    }
    for line, message in expected.items():
        assert f"data/linkcards.yml:{line}: ERROR: {message}" in strict.output, strict.output[-3000:]


def test_a_cache_image_that_is_not_what_it_says_or_too_big_is_reported(tmp_path):
    (tmp_path / "data/linkcards").mkdir(parents=True)
    (tmp_path / "data/linkcards/fake.webp").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    Image.new("RGB", (1200, 630)).save(tmp_path / "data/linkcards/big.png")
    (tmp_path / cache.FILE).write_text(
        "https://www.python.org/a/:\n  title: A\n  image: data/linkcards/fake.webp\n"
        "https://www.python.org/b/:\n  title: B\n  image: data/linkcards/big.png\n"
        "https://www.python.org/c/:\n  description: タイトルがない\n", encoding="utf-8")
    found = {(p.line, p.message.split("。")[0]) for p in check_cache(tmp_path)}
    assert found == {
        (3, "リンクカードの画像「data/linkcards/fake.webp」が画像として読めません"),
        (6, "リンクカードの画像「data/linkcards/big.png」が 1200x630 ピクセルあります"),
        (7, "「https://www.python.org/c/」に title がありません"),
    }


def test_the_shipped_cache_is_safe_and_complete(capsys):
    assert check_cache(ROOT) == []
    assert linkcards_main(["--check", "--root", str(ROOT)]) == 0
    assert "すべてキャッシュにあります" in capsys.readouterr().out


# -- make linkcards against a local server -----------------------------------------------------------

SJIS_TITLE = "港のクラウド技術ブログ：接続の枯渇と再発防止"
EUC_TITLE = "日本語の運用ノート（EUC-JP）"
UTF8_TITLE = "画像つきのページ"


def _png(width: int, height: int) -> bytes:
    import io

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(out, "PNG")
    return out.getvalue()


PAGES: dict[str, tuple[str, bytes]] = {
    "/sjis.html": ("text/html", f'<html><head><meta charset="Shift_JIS"><meta property="og:title" content="{SJIS_TITLE}">'
                   '<meta name="description" content="Shift_JIS で書かれたページです。"></head><body>本文</body></html>'
                   .encode("shift_jis")),
    "/eucjp.html": ("text/html; charset=EUC-JP", f"<html><head><title>{EUC_TITLE}</title></head><body>本文です</body></html>"
                    .encode("euc_jp")),
    "/utf8.html": ("text/html; charset=utf-8", f'<html><head><meta property="og:title" content="{UTF8_TITLE}">'
                   '<meta property="og:site_name" content="テストのサイト"><meta property="og:description" content="説明です。">'
                   '<meta property="og:image" content="/images/og.png"></head></html>'.encode()),
    "/images/og.png": ("image/png", _png(1200, 630)),
}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path == "/slow.html":
            time.sleep(3)
        if self.path.startswith("/to-private"):
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
            return
        kind, body = PAGES.get(self.path, ("text/html", b"<title>slow</title>"))
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def fetched(server, tmp_path_factory):
    """``make linkcards`` run once over a site whose post has every kind of page as a card."""
    root = tmp_path_factory.mktemp("fetch")
    urls = [f"{server}/sjis.html", f"{server}/eucjp.html", f"{server}/utf8.html", f"{server}/to-private",
            f"{server}/slow.html", "https://wiki.corp.internal/runbook", "http://10.0.0.8/admin"]
    (root / "posts").mkdir()
    (root / "posts/links.md").write_text("# リンク\n\n" + "".join(f"{url}\n\n" for url in urls) + f"文中の {server}/sentence は取得しません。\n",
                                         encoding="utf-8")
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = linkcards_main(["--root", str(root), "--timeout", "0.5", "--allow-loopback-for-tests"])
    cards, problems = cache.load(root)
    assert problems == []
    return root, code, out.getvalue(), cards, server


def test_japanese_pages_are_decoded_whatever_their_encoding(fetched):
    root, code, output, cards, server = fetched
    assert cards[f"{server}/sjis.html"].title == SJIS_TITLE
    assert cards[f"{server}/sjis.html"].description == "Shift_JIS で書かれたページです。"
    assert cards[f"{server}/eucjp.html"].title == EUC_TITLE
    assert cards[f"{server}/eucjp.html"].site_name == "127.0.0.1"


def test_the_page_image_is_stored_locally_and_small(fetched):
    root, code, output, cards, server = fetched
    card = cards[f"{server}/utf8.html"]
    assert (card.title, card.site_name, card.description) == (UTF8_TITLE, "テストのサイト", "説明です。")
    assert card.image == f"data/linkcards/{cache.image_stem(card.url)}.webp"
    with Image.open(root / card.image) as image:
        assert image.format == "WEBP" and image.size == (card.width, card.height) == (240, 126)
    assert (root / card.image).stat().st_size < 20_000


def test_private_addresses_internal_names_and_timeouts_are_refused_one_line_each(fetched):
    root, code, output, cards, server = fetched
    assert code == 1
    lines = output.splitlines()
    assert any(line.startswith(f"失敗  {server}/to-private（posts/links.md:") and "169.254.169.254" in line for line in lines)
    assert "失敗  https://wiki.corp.internal/runbook（posts/links.md:13）: 社内・ローカル用の名前（.internal）のホスト" in output
    assert "失敗  http://10.0.0.8/admin（posts/links.md:15）: 社内・ローカルのアドレス（10.0.0.8）です" in output
    assert any(line.startswith(f"失敗  {server}/slow.html") and "タイムアウト" in line for line in lines)
    assert "Traceback" not in output
    assert set(cards) == {f"{server}/sjis.html", f"{server}/eucjp.html", f"{server}/utf8.html"}
    assert f"{server}/sentence" not in (root / cache.FILE).read_text(encoding="utf-8")
    assert (root / cache.FILE).read_text(encoding="utf-8").startswith("# リンクカードのキャッシュです")


def test_loopback_is_refused_without_the_test_option(server, tmp_path, capsys):
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts/a.md").write_text(f"{server}/sjis.html\n", encoding="utf-8")
    assert linkcards_main(["--root", str(tmp_path)]) == 1
    assert "社内・ローカルのアドレス（127.0.0.1）です" in capsys.readouterr().out


def test_check_lists_the_missing_urls_at_their_lines(tmp_path, capsys):
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts/a.md").write_text("# A\n\nhttps://www.python.org/\n", encoding="utf-8")
    assert linkcards_main(["--check", "--root", str(tmp_path)]) == 1
    assert "posts/a.md:3: キャッシュにない URL: https://www.python.org/" in capsys.readouterr().out


def test_an_incremental_build_rewrites_a_page_whose_card_changed(tmp_path):
    site = _site(tmp_path / "site")
    first = build_here(site, tmp_path / "out", env={"CI": ""})
    assert "PostgreSQL 16 文書" in first.html("posts/2026/cards.html")
    cache_file = site / cache.FILE
    cache_file.write_text(cache_file.read_text(encoding="utf-8").replace("PostgreSQL 16 文書", "PostgreSQL 16 の文書"), encoding="utf-8")
    again = build_here(site, tmp_path / "out", env={"CI": ""}, reread=False)
    assert again.returncode == 0, again.output
    assert "PostgreSQL 16 の文書 &lt;b&gt;" in again.html("posts/2026/cards.html")


def test_a_bare_http_card_url_is_flagged_like_any_http_link():
    from techblog.safety import links
    from techblog.safety.source import Source

    text = "# A\n\nhttp://www.python.org/\n\n文中の http://www.python.org/x は対象外です。\n"
    assert [(f.line, f.subject) for f in links.check(Source("posts/a.md", text))] == [(3, "http://www.python.org/")]
