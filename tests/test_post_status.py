"""A post is published, a declared draft, scheduled, or a build error; dates are Japan time."""

from __future__ import annotations

import filecmp

import pytest

from .sitebuild import build_here, root_site

NOW = "2026-11-28T08:30:00+09:00"  # before 09:00 in Japan: still the 27th in UTC
# The site is tests/roots/test-status: five posts around NOW, one of them a declared draft.
HIDDEN = ("secret-draft", "ひみつの下書き記事", "DRAFT-MARKER", "later-today", "ひみつの公開予定記事", "YOTEI-MARKER")


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("status")
    site = root_site("status", root / "site")
    return {
        "utc": build_here(site, root / "utc", env={"TZ": "UTC", "TECHBLOG_NOW": NOW}),
        "tokyo": build_here(site, root / "tokyo", env={"TZ": "Asia/Tokyo", "TECHBLOG_NOW": NOW}),
        "preview": build_here(site, root / "preview", env={"TZ": "UTC", "TECHBLOG_NOW": NOW}, preview=True),
    }


def test_builds_pass(builds):
    for build in builds.values():
        assert build.returncode == 0, build.output


@pytest.mark.parametrize("slug", ["published-today", "plain-date-today", "offset-date"])
def test_posts_dated_up_to_now_in_japan_are_published(builds, slug):
    build = builds["utc"]
    assert build.exists(f"posts/2026/{slug}.html")
    assert f"posts/2026/{slug}.html" in build.html("blog.html")
    assert f"posts/2026/{slug}.html" in (build.out / "blog/atom.xml").read_text(encoding="utf-8")


def test_drafts_and_scheduled_posts_leave_no_trace(builds):
    build = builds["utc"]
    for rel in build.files():
        if rel.startswith(("_static/", ".doctrees/")) or rel == ".buildinfo":
            continue
        data = (build.out / rel).read_bytes().decode("utf-8", "replace")
        for marker in HIDDEN:
            assert marker not in data, f"{marker} leaked into {rel}"
    assert not any("drafts" in rel for rel in build.files())


def test_utc_and_tokyo_builders_give_the_same_site(builds):
    utc, tokyo = builds["utc"].out, builds["tokyo"].out
    pages = [p for p in builds["utc"].files() if not p.startswith(".doctrees/") and p != ".buildinfo"]
    assert pages == [p for p in builds["tokyo"].files() if not p.startswith(".doctrees/") and p != ".buildinfo"]
    _match, mismatch, errors = filecmp.cmpfiles(utc, tokyo, pages, shallow=False)
    assert mismatch == [] and errors == []


def test_feed_dates_are_japan_time(builds):
    feed = (builds["utc"].out / "blog/atom.xml").read_text(encoding="utf-8")
    assert "<published>2026-11-28T08:00:00+09:00</published>" in feed
    assert "<published>2026-11-28T08:30:00+09:00</published>" in feed  # 23:30Z
    assert "+00:00" not in feed


def test_japanese_tags_and_coauthors_render(builds):
    build = builds["utc"]
    for page, text in (("blog/tag/incident-response.html", "障害対応"), ("blog/tag/postgresql.html", "PostgreSQL"),
                       ("blog/author/tanaka.html", "田中 太郎"), ("blog/author/suzuki.html", "鈴木 花子")):
        html = build.html(page)
        assert text in html and "posts/2026/published-today.html" in html
        assert "\\u" not in html and '["tanaka"' not in html
    feed = (builds["utc"].out / "blog/atom.xml").read_text(encoding="utf-8")
    entry = feed.split("<entry>")[1:]
    today = next(e for e in entry if "published-today" in e)
    assert "<name>田中 太郎</name>" in today and "<name>鈴木 花子</name>" in today
    assert 'term="障害対応"' in today
    assert builds["utc"].exists("blog/tag/incident-response.html")
    assert builds["utc"].exists("blog/author/suzuki.html")


def test_preview_shows_drafts_and_scheduled_posts_with_a_banner(builds):
    build = builds["preview"]
    draft = build.html("posts/2026/secret-draft.html")
    assert "techblog-status-draft" in draft and "下書き" in draft
    scheduled = build.html("posts/2026/later-today.html")
    assert "techblog-status-scheduled" in scheduled and "公開予定" in scheduled
    assert "2026年11月28日 09:00 公開" in scheduled
    assert "techblog-status-banner" not in build.html("posts/2026/published-today.html")
