"""Share images: 1200x630 PNG, Japanese glyphs, whole titles, same bytes for the same inputs."""

from __future__ import annotations

import io
import shutil

from PIL import Image

from techblog.distribution import shareimage

from .sitebuild import build_here, make_site, post

BLOG = "ミナトクラウド エンジニアブログ"
LONG_TITLE = ("「湊 SRE 勉強会 #1」開催レポート：オンコールの負荷をどう減らすか、"
              "アラート疲れと runbook の自動化と新卒のオンコール体験のすべてを一つの記事にまとめて振り返ります")


def png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_every_published_post_has_a_card(sample):
    posts = [p for p in sample.files() if p.startswith("posts/") and p.endswith(".html")]
    assert len(posts) >= 10
    for page in posts:
        card = sample.out / "_social" / page.replace(".html", ".png")
        image = png(card.read_bytes())
        assert image.format == "PNG" and image.size == (1200, 630), page
        # No time stamp: only our own key chunk.
        assert set(image.text) == {shareimage.KEY}, image.text
        assert b"tIME" not in card.read_bytes()
    site = png((sample.out / "_social/site.png").read_bytes())
    assert site.size == (1200, 630)
    assert not any(p.startswith("_social/posts/2026/ipv6") for p in sample.files()), "a draft got a card"


def test_the_font_has_every_glyph_of_the_sample_titles(sample):
    """IPAexGothic draws each character of every title, author and the blog name: no tofu."""
    from bs4 import BeautifulSoup

    assert shareimage.font_path().is_file()
    assert not shareimage.has_glyph("😀"), "the check must be able to fail"
    for page in (p for p in sample.files() if p.startswith("posts/") and p.endswith(".html")):
        soup = BeautifulSoup(sample.html(page), "html.parser")
        text = soup.find("meta", property="og:title")["content"] + soup.find("meta", attrs={"name": "twitter:data1"})["content"]
        missing = [c for c in text + BLOG if not shareimage.has_glyph(c)]
        assert missing == [], f"{page}: no glyph for {missing}"


def test_long_titles_shrink_and_wrap_at_phrases_never_cut():
    face, lines, line_height = shareimage.fit_title(LONG_TITLE)
    short_face, short_lines, _ = shareimage.fit_title("短いタイトル")
    assert face.size < short_face.size and len(short_lines) == 1
    assert "".join(lines).replace(" ", "") == LONG_TITLE.replace(" ", "")  # every character is drawn
    assert len(lines) * line_height <= shareimage.TITLE_BOTTOM - shareimage.TITLE_TOP
    width = shareimage.TEXT_RIGHT - shareimage.TEXT_LEFT
    assert all(face.getlength(line) <= width for line in lines)
    # BudouX keeps phrases whole: no line starts inside a word of the title.
    assert not any(line.startswith(("ト", "ル", "告", "す")) for line in lines[1:])
    lines = shareimage.wrap("Kubernetes ノードのアップグレードを無停止で回す", shareimage.font(72), width)
    assert lines == ["Kubernetes ノードの", "アップグレードを無停止で", "回す"]
    # No line starts with closing punctuation (BudouX gives "：なぜ今、" as a phrase).
    _face, lines, _ = shareimage.fit_title("PostgreSQL 16 移行記（1）：なぜ今、どうやって移行するのか")
    assert not any(line[0] in shareimage.NO_LINE_START for line in lines), lines


def test_a_word_wider_than_the_card_is_broken_not_shrunk_to_nothing():
    url = "https://example.com/averyveryveryverylongpathwithoutanybreakopportunitiesatallwhatsoeverandmore"
    face, lines, _ = shareimage.fit_title(f"設定は {url} にあります")
    assert face.size >= shareimage.WHOLE_WORDS_DOWN_TO
    assert "".join(lines).replace(" ", "") == f"設定は{url}にあります"
    # The blog's name alone wraps between its two words, not inside one.
    assert shareimage.fit_title(BLOG)[1] == ["ミナトクラウド", "エンジニアブログ"]


def test_cards_are_deterministic():
    first = shareimage.render(LONG_TITLE, ["田中 悠真", "鈴木 美咲"], BLOG)
    assert first == shareimage.render(LONG_TITLE, ["田中 悠真", "鈴木 美咲"], BLOG)
    assert first != shareimage.render(LONG_TITLE, ["田中 悠真"], BLOG)
    # Emoji have no glyph in the font: they are left out rather than drawn as tofu.
    assert shareimage.render("リリース 🎉 しました", [], BLOG) == shareimage.render("リリース しました", [], BLOG)


def test_card_has_ink_where_the_title_author_and_blog_name_are():
    image = png(shareimage.render("日本語のタイトル", ["田中 悠真"], BLOG)).convert("L")
    dark = lambda box: sum(1 for v in image.crop(box).tobytes() if v < 100)  # noqa: E731
    assert dark((110, 110, 1090, 440)) > 2000  # title
    assert dark((110, 485, 600, 535)) > 200  # authors
    assert image.getpixel((10, 10)) < 100 and image.getpixel((600, 100)) > 240  # background, panel


def test_front_matter_image_overrides_the_card(tmp_path):
    own = io.BytesIO()
    Image.new("RGB", (800, 400), (200, 30, 30)).save(own, "PNG")
    site = make_site(tmp_path / "site", {
        "posts/2026/images/own.png": own.getvalue(),
        "posts/2026/with-image.md": post(extra="image: images/own.png"),
        "posts/2026/plain.md": post(h1="普通の記事"),
    })
    build = build_here(site, tmp_path / "out")
    assert build.returncode == 0, build.output
    assert (build.out / "_social/posts/2026/with-image.png").read_bytes() == own.getvalue()
    html = build.html("posts/2026/with-image.html")
    assert 'property="og:image" content="https://tech.minato-cloud.example/_social/posts/2026/with-image.png"' in html
    assert "og:image:width" not in html  # the writer's image has its own size
    assert png((build.out / "_social/posts/2026/plain.png").read_bytes()).size == (1200, 630)
    shutil.copy(build.out / "_social/posts/2026/plain.png", tmp_path / "plain-card.png")


def test_cards_are_drawn_again_only_when_what_they_show_changes(tmp_path):
    site = make_site(tmp_path / "site", {
        "posts/2026/first.md": post(h1="最初の記事"),
        "posts/2026/second.md": post(h1="二つ目の記事"),
    })
    assert (build := build_here(site, tmp_path / "out")).returncode == 0, build.output
    out = build.out
    first, second = out / "_social/posts/2026/first.png", out / "_social/posts/2026/second.png"
    stamps = {card: card.stat().st_mtime_ns for card in (first, second)}
    old_second = second.read_bytes()

    (site / "posts/2026/second.md").write_text(post(h1="二つ目の記事（改題）"), encoding="utf-8")
    assert (build := build_here(site, tmp_path / "out", reread=False)).returncode == 0, build.output
    assert first.stat().st_mtime_ns == stamps[first], "an unchanged card was drawn again"
    assert second.read_bytes() != old_second, "the retitled post kept its old card"
    assert png(second.read_bytes()).text[shareimage.KEY] == shareimage.card_key("二つ目の記事（改題）", ["田中 太郎"], "ミナトクラウド エンジニアブログ")

    first.unlink()
    assert (build := build_here(site, tmp_path / "out", reread=False)).returncode == 0, build.output
    assert first.is_file(), "a card deleted from the output was not drawn again"
