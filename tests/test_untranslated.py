"""Pages without a message catalog skip Sphinx's catalog lookup; pages with one are still translated."""

from __future__ import annotations

import pickle
from pathlib import Path

import techblog.speedups.untranslated as untranslated

from .sitebuild import build_here, make_site
from .sitebuild import post as post_source
from .test_incremental import NOW, assert_same_site


def progress_of(build) -> dict:
    """Each page's translation progress, as its pickled doctree holds it."""
    return {p.relative_to(build.doctrees).as_posix(): pickle.loads(p.read_bytes()).get("translation_progress")
            for p in build.doctrees.rglob("*.doctree")}


POSTS = {
    "posts/2026/a.md": post_source(date="2026-01-10 10:00", h1="記事 A", body="## 節\n\n本文です。\n"),
    "posts/2026/b.md": post_source(date="2026-02-10 10:00", h1="記事 B", tags="[PostgreSQL]", author="suzuki"),
}


def test_pages_without_a_catalog_are_the_pages_sphinx_makes(tmp_path, monkeypatch):
    src = make_site(tmp_path / "site", POSTS)
    builds, progress = {}, {}
    for kind in ("looked-up", "short-cut"):
        with monkeypatch.context() as patch:
            if kind == "looked-up":
                patch.setattr(untranslated, "_catalog_found", lambda transform: True)  # Sphinx's transforms run as they are
            builds[kind] = build_here(src, tmp_path / kind, env=NOW)
        assert builds[kind].returncode == 0, builds[kind].output
        progress[kind] = progress_of(builds[kind])
    assert progress["short-cut"] == progress["looked-up"]
    assert progress["short-cut"]["posts/2026/a.doctree"] == {"total": 0, "translated": 0}
    assert_same_site(builds["short-cut"], builds["looked-up"])


PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "本文です。"
msgstr "翻訳された本文です。"
"""


def test_a_page_with_a_catalog_is_still_translated(tmp_path):
    src = make_site(tmp_path / "site", POSTS)
    messages = Path(src, "locales", "ja", "LC_MESSAGES")
    messages.mkdir(parents=True, exist_ok=True)
    (messages / "posts.po").write_text(PO, encoding="utf-8")  # the domain of every page under posts/
    build = build_here(src, tmp_path / "out", env=NOW)
    assert build.returncode == 0, build.output
    assert "翻訳された本文です。" in build.html("posts/2026/a.html")
