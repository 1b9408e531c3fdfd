"""Link previews (OGP, Twitter cards), meta descriptions and canonical URLs."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

BASE = "https://tech.minato-cloud.example/"


def metas(html: str) -> dict[str, list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    found: dict[str, list[str]] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name")
        if key:
            found.setdefault(key, []).append(tag.get("content", ""))
    canonical = soup.select_one('link[rel="canonical"]')
    if canonical is not None:
        found["canonical"] = [canonical["href"]]
    return found


def one(found: dict[str, list[str]], key: str) -> str:
    assert len(found.get(key, [])) == 1, f"{key}: {found.get(key)}"
    return found[key][0]


def test_post_page_has_article_preview(sample):
    page = "posts/2025/sre-study-group-1-report.html"
    found = metas(sample.html(page))
    url = BASE + page
    assert one(found, "canonical") == url
    assert one(found, "og:url") == url
    assert one(found, "og:type") == "article"
    assert one(found, "og:title") == "「湊 SRE 勉強会 #1」開催レポート：オンコールの負荷をどう減らすか"
    assert one(found, "description").startswith("11 月 27 日に開催した社外向け勉強会「湊 SRE 勉強会 #1」のレポートです。")
    assert one(found, "og:description") == one(found, "description")
    assert len(one(found, "description")) <= 120
    assert one(found, "og:image") == BASE + "_social/posts/2025/sre-study-group-1-report.png"
    assert (one(found, "og:image:width"), one(found, "og:image:height")) == ("1200", "630")
    assert one(found, "og:locale") == "ja_JP"
    assert one(found, "twitter:card") == "summary_large_image"
    assert one(found, "twitter:site") == "@minatocloud_dev"
    assert one(found, "article:published_time") == "2025-12-03T18:00:00+09:00"
    assert found["article:author"] == [BASE + "blog/author/yamamoto.html", BASE + "blog/author/tanaka.html"]
    assert one(found, "article:section") == "イベント"
    assert found["article:tag"] == ["勉強会", "SRE", "オンコール"]
    assert (one(found, "twitter:label1"), one(found, "twitter:data1")) == ("執筆者", "山本 陽菜、田中 悠真")
    assert one(found, "twitter:label2") == "読了時間"
    shown = BeautifulSoup(sample.html(page), "html.parser").select_one(".tb-reading-time").get_text()
    assert re.fullmatch(r"約(\d+)分（[\d,]+字）", one(found, "twitter:data2"))
    assert shown == "読了目安 " + one(found, "twitter:data2"), "the preview and the page agree"
    assert int(re.match(r"約(\d+)分", one(found, "twitter:data2")).group(1)) >= 3, "the report is a few thousand characters long"


def test_post_without_description_uses_its_excerpt(tmp_path, make_app):
    from .sitebuild import build_here, make_site, post

    site = make_site(tmp_path / "site", {"posts/2026/hello.md": post(body="最初の段落が要約になります。\n\n二つ目の段落。\n")})
    build = build_here(site, tmp_path / "out", make_app=make_app)
    assert build.returncode == 0, build.output
    found = metas(build.html("posts/2026/hello.html"))
    assert one(found, "description") == "最初の段落が要約になります。"
    assert one(found, "twitter:data2").startswith("約1分（")


def test_listing_page_has_website_preview(sample):
    page = "blog/tag/sre.html"
    found = metas(sample.html(page))
    assert one(found, "canonical") == one(found, "og:url") == BASE + page
    assert one(found, "og:type") == "website"
    assert one(found, "description") == "Site Reliability Engineering の考え方と実践です。"  # from data/tags.yml
    assert one(found, "og:image") == BASE + "_social/site.png"
    assert one(found, "twitter:card") == "summary_large_image"
    assert "article:published_time" not in found and "twitter:label1" not in found
    series = metas(sample.html("blog/series/pg16-migration.html"))
    assert one(series, "description").startswith("社内共有データベースクラスタを PostgreSQL 12 から 16 へ")  # data/series.yml
    assert one(metas(sample.html("blog/2025.html")), "description") == "ミナトクラウド エンジニアブログの2025年の記事の一覧です。"
    assert one(metas(sample.html("blog/tag.html")), "description") == "ミナトクラウド エンジニアブログのタグ一覧です。"
    home = metas(sample.html("index.html"))
    assert one(home, "og:title") == "ミナトクラウド エンジニアブログ"
    assert one(home, "description").startswith("マネージドサービスを支えるエンジニアが")


def test_every_page_has_description_preview_and_canonical(sample):
    pages = [p for p in sample.files() if p.endswith(".html") and not p.startswith("_static/")]
    checked = 0
    for page in pages:
        html = sample.html(page)
        if 'http-equiv="refresh"' in html:
            continue  # redirect stubs point elsewhere on purpose
        found = metas(html)
        for key in ("description", "og:title", "og:description", "og:url", "og:image", "og:type", "twitter:card"):
            assert one(found, key).strip(), f"{page}: empty {key}"
        assert one(found, "canonical") == one(found, "og:url"), page
        if page != "404.html":
            assert one(found, "canonical") == BASE + page
        image = one(found, "og:image")
        assert image.startswith(BASE) and (sample.out / image[len(BASE):]).is_file(), f"{page}: {image}"
        checked += 1
    assert checked >= 50
