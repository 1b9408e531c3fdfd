"""What the built pages hold for a reader, read from the HTML of real builds."""

import re

import pytest
from bs4 import BeautifulSoup

from .sitebuild import build_here, make_site, post

SERIES_PART = "posts/2025/pg16-migration-part2-rehearsal.html"
DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


def soup(build, page):
    return BeautifulSoup(build.html(page), "html.parser")


def test_every_listing_shows_title_date_authors_and_description(sample):
    for page in ("blog.html", "blog/2025.html", "blog/tag/postgresql.html", "blog/category/tech.html",
                 "blog/author/suzuki.html"):
        cards = soup(sample, page).select(".tb-card")
        assert cards, page
        for card in cards:
            assert card.select_one(".tb-card__title a")["href"].endswith(".html")
            assert DATE.match(card.select_one("time").get_text()), page
            assert card.select(".tb-card__authors a"), page
            assert card.select_one(".tb-card__description").get_text(strip=True), page


def test_listing_titles_are_japanese(sample):
    assert soup(sample, "blog/tag/postgresql.html").select_one("article h1").get_text() == "タグ「PostgreSQL」の記事"
    assert soup(sample, "blog/2025.html").title.get_text().startswith("2025年の記事")
    assert soup(sample, "blog.html").select_one("article h1").get_text() == "すべての記事"


def test_author_page_shows_the_profile_before_the_posts(sample):
    page = soup(sample, "blog/author/suzuki.html")
    profile = page.select_one(".tb-profile")
    assert profile.h1.get_text() == "鈴木 美咲"
    assert "PostgreSQL を中心に" in profile.select_one(".tb-author__bio").get_text()
    assert profile.select_one("img.tb-author__avatar")
    assert {a["href"] for a in profile.select(".tb-author__links a")} == {
        "https://github.com/minato-suzuki", "https://zenn.dev/minato_suzuki"}
    assert str(page).index("tb-profile") < str(page).index("tb-card")


def test_series_page_lists_every_part_in_order(sample):
    titles = [a.get_text() for a in soup(sample, "blog/series/pg16-migration.html").select(".tb-card__title a")]
    assert [t[:20] for t in titles] == ["PostgreSQL 16 移行記（1）", "PostgreSQL 16 移行記（2）", "PostgreSQL 16 移行記（3）"]


def test_posts_stay_out_of_the_global_toctree(sample):
    nav = soup(sample, "docs/index.html").select_one(".bd-docs-nav")
    assert nav is not None
    assert not [a for a in nav.select("a") if "posts/" in a.get("href", "")]
    assert "posts/" not in str(soup(sample, SERIES_PART).select_one(".bd-docs-nav"))


def test_home_has_tagline_featured_latest_and_the_way_to_older_posts(sample):
    home = soup(sample, "index.html")
    assert "マネージドサービスを支えるエンジニア" in home.select_one(".tb-tagline").get_text()
    featured = [a.get_text() for a in home.select(".tb-featured .tb-card__title a")]
    assert len(featured) == 2
    assert home.select_one(".tb-latest .tb-more a")["href"] == "blog.html"
    assert [a["href"] for a in home.select(".tb-archives a")] == ["blog/2026.html", "blog/2025.html"]


def test_follow_links_are_hidden_when_not_configured(tmp_path, make_app):
    site = make_site(tmp_path / "site", {"posts/2026/hello.md": post()})
    conf = site / "conf.py"
    conf.write_text(re.sub(r'"social": \{.*?\},', '"social": {"x": "https://x.com/example"},',
                           conf.read_text(encoding="utf-8"), flags=re.S), encoding="utf-8")
    build = build_here(site, tmp_path / "out", make_app=make_app)
    assert build.returncode == 0, build.output
    kinds = {a["class"][0] for a in soup(build, "index.html").select(".tb-follow a")}
    assert kinds == {"tb-follow__x", "tb-follow__feed"}


@pytest.fixture(scope="module")
def with_draft(tmp_path_factory):
    root = tmp_path_factory.mktemp("drafts")
    site = make_site(root / "site", {
        "posts/2026/published.md": post(h1="公開済みの記事"),
        "posts/2026/secret.md": post(h1="まだ秘密の下書き", extra="draft: true"),
        "posts/2026/later.md": post(date="2026-12-01 10:00", h1="ずっと先の記事"),
    })
    build = build_here(site, root / "out", env={"TECHBLOG_NOW": "2026-02-01T00:00:00+09:00"})
    assert build.returncode == 0, build.output
    return build


def test_production_build_leaves_no_trace_of_drafts(with_draft):
    assert not with_draft.exists("blog/drafts.html")
    for name in with_draft.files():
        if name.endswith((".html", ".js", ".xml", ".txt")):
            text = (with_draft.out / name).read_text(encoding="utf-8", errors="replace")
            assert "まだ秘密の下書き" not in text and "ずっと先の記事" not in text, name
            assert "drafts.html" not in text, name
    assert [a.get_text() for a in soup(with_draft, "blog.html").select(".tb-card__title a")] == ["公開済みの記事"]
