"""``make new-post``: a post from the archetype, dated today in Japan time, never overwriting."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from .sitebuild import ROOT, make_site, sphinx_build


def new_post(site, *args, now="2026-12-31T23:30:00+00:00"):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TECHBLOG_NOW": now}
    return subprocess.run([sys.executable, "-m", "techblog.content.newpost", *args], cwd=site, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)


def site_with_archetype(tmp_path):
    site = make_site(tmp_path / "site", {})
    shutil.copytree(ROOT / "archetypes", site / "archetypes")
    return site


def test_creates_a_draft_dated_today_in_japan_that_builds(tmp_path):
    site = site_with_archetype(tmp_path)
    done = new_post(site, "--slug", "first-post", "--title", "はじめての: 記事", "--author", "tanaka, suzuki",
                    "--category", "tech", "--tags", "インシデント対応, postgres")
    assert done.returncode == 0, done.stderr
    path = site / "posts/2027/first-post.md"  # 23:30 UTC on the 31st is already 2027 in Japan
    text = path.read_text(encoding="utf-8")
    assert "date: 2027-01-01" in text
    assert "author: [tanaka, suzuki]" in text and "tags: [障害対応, PostgreSQL]" in text
    assert 'title: "はじめての: 記事"' in text and "draft: true" in text
    build = sphinx_build(site, tmp_path / "out", preview=True, env={"TECHBLOG_NOW": "2027-01-02T00:00:00+09:00"})
    assert build.returncode == 0, build.output
    assert "はじめての: 記事" in build.html("posts/2027/first-post.html")


def test_refuses_an_existing_slug_and_unknown_ids(tmp_path):
    site = site_with_archetype(tmp_path)
    (site / "posts/2025").mkdir(parents=True)
    (site / "posts/2025/taken.md").write_text("既存", encoding="utf-8")
    done = new_post(site, "--slug", "taken", "--title", "題", "--author", "tanak", "--category", "tech")
    assert done.returncode == 1
    assert "スラッグ「taken」の記事はもうあります（posts/2025/taken.md）" in done.stderr
    assert "著者「tanak」は登録されていません。近いもの: tanaka" in done.stderr
    assert (site / "posts/2025/taken.md").read_text(encoding="utf-8") == "既存"
    assert not list((site / "posts").glob("*/taken.md"))[1:]


def test_missing_fields_are_named(tmp_path):
    site = site_with_archetype(tmp_path)
    done = new_post(site, "--slug", "Bad Slug")
    assert done.returncode == 1
    assert "title を指定してください" in done.stderr and "スラッグ「Bad Slug」は半角英小文字" in done.stderr
