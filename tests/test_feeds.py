"""Atom feeds: valid RFC 4287, full text with absolute URLs, Japan time, stable ids."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from .feedcheck import JST_DATE, feed_paths, local_file, read_feed, rfc4287_problems, urls_in
from .sitebuild import build_here, make_site, post

BASE = "https://tech.minato-cloud.example/"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n'


def test_every_feed_of_the_sample_is_valid_atom(sample):
    paths = feed_paths(sample.out)
    assert "blog/atom.xml" in paths
    for kind in ("author", "category", "tag"):
        assert any(p.startswith(f"blog/{kind}/") for p in paths), kind
    for rel in paths:
        feed = read_feed(sample.out, rel)
        assert rfc4287_problems(feed) == [], rel
        assert feed.links()["self"] == BASE + rel
        assert feed.text("updated") == max(e.updated for e in feed.entries), rel
        assert JST_DATE.match(feed.text("updated")), rel
        assert feed.root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ja"


def test_feed_entries_are_complete_with_absolute_urls_and_japan_time(sample):
    ids = {}
    checked = 0
    for rel in feed_paths(sample.out):
        feed = read_feed(sample.out, rel)
        seen = [e.id for e in feed.entries]
        assert len(seen) == len(set(seen)), f"duplicate ids in {rel}"
        for e in feed.entries:
            assert e.id.startswith("tag:tech.minato-cloud.example,2025:"), e.id
            # The same post has the same id in every feed it is in.
            assert ids.setdefault(e.link, e.id) == e.id
            assert JST_DATE.match(e.published) and JST_DATE.match(e.updated), (rel, e.published, e.updated)
            assert e.title and e.summary and e.authors and e.categories
            assert e.link.startswith(BASE) and local_file(sample.out, BASE, e.link).is_file()
            urls = urls_in(e.content)
            checked += len(urls)
            for url in urls:
                assert re.match(r"^(https?:|mailto:)", url), f"relative URL {url!r} in {rel} ({e.link})"
                target = local_file(sample.out, BASE, url.split("#")[0])
                if target is not None:
                    assert target.is_file(), f"{url} in {rel} points to no file"
    assert checked > 20, "the sample's feeds should hold links and images to check"
    # Every post of the site is in the site feed (the sample has fewer than 20).
    site = read_feed(sample.out, "blog/atom.xml")
    posts = [p for p in sample.files() if p.startswith("posts/") and p.endswith(".html")]
    assert sorted(e.link for e in site.entries) == sorted(BASE + p for p in posts)
    assert [e.published for e in site.entries] == sorted((e.published for e in site.entries), reverse=True)


def test_sample_feed_contents(sample):
    site = read_feed(sample.out, "blog/atom.xml")
    by_link = {e.link: e for e in site.entries}
    report = by_link[BASE + "posts/2025/sre-study-group-1-report.html"]
    assert report.authors == ["山本 陽菜", "田中 悠真"]
    assert report.categories[0] == "イベント" and {"勉強会", "SRE", "オンコール"} <= set(report.categories)
    assert report.summary.startswith("11 月 27 日に開催した社外向け勉強会「湊 SRE 勉強会 #1」のレポートです。")
    assert report.title == "「湊 SRE 勉強会 #1」開催レポート：オンコールの負荷をどう減らすか"
    assert report.published == "2025-12-03T18:00:00+09:00"
    # Full text: the last section of the post is in the feed, not just an excerpt.
    html = sample.html("posts/2025/sre-study-group-1-report.html")
    last_heading = BeautifulSoup(html, "html.parser").select("article section h2:not(.tb-section-title)")[-1].get_text(strip=True).rstrip("#")
    assert last_heading in report.content
    # Images of a post are absolute and exist.
    k8s = by_link[BASE + "posts/2026/kubernetes-node-upgrade.html"]
    images = [u for u in urls_in(k8s.content) if u.endswith(".svg")]
    assert images and all(local_file(sample.out, BASE, u).is_file() for u in images)
    # A moved post keeps the id made from its first URL.
    nginx = by_link[BASE + "posts/2025/nginx-upstream-keepalive.html"]
    assert nginx.id == "tag:tech.minato-cloud.example,2025:blog/2025/nginx-keepalive.html"
    # Co-authored posts are in each author's feed.
    for author in ("yamamoto", "tanaka"):
        feed = read_feed(sample.out, f"blog/author/{author}/atom.xml")
        assert report.id in [e.id for e in feed.entries]
    tag_feed = read_feed(sample.out, "blog/tag/sre/atom.xml")
    assert {e.id for e in tag_feed.entries} <= {e.id for e in site.entries}
    assert "SRE" in tag_feed.text("title")
    assert tag_feed.links()["alternate"] == BASE + "blog/tag/sre.html"


def test_autodiscovery_links_point_to_feeds_that_exist(sample):
    seen = set()
    for page in sample.files():
        if not page.endswith(".html"):
            continue
        if page.startswith("_static/") or 'http-equiv="refresh"' in sample.html(page):
            continue  # theme snippets and redirect stubs are not pages
        soup = BeautifulSoup(sample.html(page), "html.parser")
        links = soup.select('link[rel="alternate"][type="application/atom+xml"]')
        assert links, f"{page} has no feed autodiscovery"
        for link in links:
            href = link["href"]
            # The 404 page is served at any depth, so its links are root-relative.
            target = sample.out / href.lstrip("/") if href.startswith("/") else (sample.out / page).parent / href
            assert target.resolve().is_file(), f"{page} announces {link['href']}, which does not exist"
            seen.add(target.resolve().relative_to(sample.out.resolve()).as_posix())
    tag_page = BeautifulSoup(sample.html("blog/tag/sre.html"), "html.parser")
    assert [link["href"] for link in tag_page.select('link[type="application/atom+xml"]')] == ["../atom.xml", "sre/atom.xml"]
    assert set(feed_paths(sample.out)) == seen


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Escaping, co-authors, relative links and images, the length limit, ids of moved posts."""
    root = tmp_path_factory.mktemp("feeds")
    posts = {
        "posts/2026/images/fig.svg": SVG,
        "posts/2026/coauthored.md": post(
            date="2026-03-01 09:30", author="[tanaka, suzuki]", tags="[障害対応, PostgreSQL]", h1=None,
            title="'\"A & B <b>太字</b>\" の話'",
            extra="description: 要約 <script>alert(1)</script> & more\nupdated: 2026-03-05",
            body="""\
            先頭の段落です。[別の記事](other.md) と [外部](https://example.org/x?a=1&b=2) を見てください。

            ![図のテキスト](images/fig.svg)

            ## 見出し

            最後の段落です。
            """),
        "posts/2026/other.md": post(date="2026-02-01", extra="redirect_from: [blog/old/other.html, blog/older/other.html]",
                                    h1="別の記事", body="本文。"),
    }
    for day in range(1, 5):
        posts[f"posts/2025/p{day}.md"] = post(date=f"2025-01-0{day}", h1=f"古い記事 {day}")
    site = make_site(root / "site", posts)
    build = build_here(site, root / "out", confoverrides={"techblog_feed_length": "3"})
    assert build.returncode == 0, build.output
    return build


def test_small_site_feeds_escape_list_coauthors_and_limit(small):
    for rel in feed_paths(small.out):
        assert rfc4287_problems(read_feed(small.out, rel)) == [], rel
    feed = read_feed(small.out, "blog/atom.xml")
    entries = feed.entries
    # techblog_feed_length=3: the three newest of six posts, newest first.
    assert [e.link.rsplit("/", 1)[1] for e in entries] == ["coauthored.html", "other.html", "p4.html"]
    first = entries[0]
    assert first.title == '"A & B <b>太字</b>" の話'
    assert first.summary == "要約 <script>alert(1)</script> & more"
    assert first.authors == ["田中 太郎", "鈴木 花子"]
    assert first.categories == ["技術", "障害対応", "PostgreSQL"]
    assert first.published == "2026-03-01T09:30:00+09:00"
    assert first.updated == "2026-03-05T00:00:00+09:00"
    assert feed.text("updated") == "2026-03-05T00:00:00+09:00"
    urls = urls_in(first.content)
    assert BASE + "posts/2026/other.html" in urls
    assert "https://example.org/x?a=1&b=2" in urls
    assert any(u.startswith(BASE) and u.endswith("fig.svg") and local_file(small.out, BASE, u).is_file() for u in urls)
    assert "最後の段落です。" in first.content
    assert entries[1].id == "tag:tech.minato-cloud.example,2025:blog/old/other.html"
    # Each author's feed has the co-authored post.
    for author in ("tanaka", "suzuki"):
        assert first.id in [e.id for e in read_feed(small.out, f"blog/author/{author}/atom.xml").entries]
    raw = (small.out / "blog/atom.xml").read_text(encoding="utf-8")
    assert "<script>" not in raw and "&lt;script&gt;" in raw


def test_year_archives_announce_no_feed(small):
    soup = BeautifulSoup(small.html("blog/2025.html"), "html.parser")
    hrefs = [link["href"] for link in soup.select('link[type="application/atom+xml"]')]
    assert hrefs == ["atom.xml"]


def test_ids_without_feed_id_use_the_host_and_date(tmp_path, make_app):
    site = make_site(tmp_path / "site", {"posts/2026/hello.md": post(date="2026-01-10 10:00")})
    conf = site / "conf.py"
    conf.write_text(re.sub(r'\n\s*"feed_id": [^\n]*', "", conf.read_text(encoding="utf-8")), encoding="utf-8")
    build = build_here(site, tmp_path / "out", make_app=make_app)
    assert build.returncode == 0, build.output
    entry = read_feed(build.out, "blog/atom.xml").entries[0]
    assert entry.id == "tag:tech.minato-cloud.example,2026-01-10:/posts/2026/hello.html"
