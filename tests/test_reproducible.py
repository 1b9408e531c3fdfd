"""The same commit, built on another day in another time zone, gives the same bytes."""

from __future__ import annotations

import hashlib

from .sitebuild import ROOT, sphinx_build

# Sphinx's cache, not part of the site: it pickles source modification times and
# this build's absolute paths.  `make html` keeps it outside the output (-d).
NOT_COMPARED = (".doctrees/",)


def digests(out) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.relative_to(out).as_posix().startswith(NOT_COMPARED)
    }


def test_two_builds_on_other_days_and_zones_are_byte_identical(sample, tmp_path):
    # The sample was built in the test machine's zone with no SOURCE_DATE_EPOCH
    # and Python's hash seed 0.  This one: Tokyo, a build date pinned to
    # 2025-01-01 (Sphinx rewrites the copyright year from it), a week later as
    # far as the blog's clock knows (no sample post changes state in between)
    # and another hash seed (set iteration order).
    other = sphinx_build(ROOT, tmp_path / "html", env={
        "TZ": "Asia/Tokyo",
        "SOURCE_DATE_EPOCH": "1735689600",
        "TECHBLOG_NOW": "2026-12-05T23:30:00+09:00",
        "PYTHONHASHSEED": "4242",
    })
    assert other.returncode == 0, other.output
    first, second = digests(sample.out), digests(other.out)
    assert sorted(first) == sorted(second)
    differing = sorted(name for name in first if first[name] != second[name])
    assert differing == []
    # What was compared: pages, feeds, the sitemap, share images, the search index.
    for name in ("index.html", "blog/atom.xml", "sitemap.xml", "robots.txt", "_social/site.png", ".buildinfo"):
        assert name in first
    assert any(name.startswith("_search/") or name == "searchindex.js" for name in first)
    assert sum(name.endswith(".png") for name in first) >= 10
