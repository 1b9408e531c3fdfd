"""Post pages written again only for the posts they show: their old files with a new header and footer.

Eight posts share their tags, so a new post with the same tags joins every
one's related posts.  Built with the speed layer on, the layer says how many
post pages it made from their files, and the site is the one a clean build
with the layer off writes.  When the first such page does not come out of its
file as it comes out of the theme (a file changed by hand here), every page
is rendered in full.
"""

from __future__ import annotations

import re

from techblog.speedups.post_parts import replaced

from .sitebuild import make_site, post, sphinx_build
from .test_incremental import NOW, assert_same_site

OFF = ("-D", "techblog_speedups=0")
MADE = re.compile(r"記事のページ: (\d+) ページを前のファイルから（ヘッダーとフッターだけ作り直して）、(\d+) ページを全体から作りました")
DIFFERS = "を前のファイルから作ると全体から作るのと違うので、このビルドでは全体から作ります"
TAGS = "[PostgreSQL, 障害対応]"
POSTS = {f"posts/2025/p{n}.md": post(date=f"2025-{n:02d}-10 10:00", h1=f"記事 {n}", tags=TAGS) for n in range(1, 9)}
NEW = post(date="2026-05-01 09:00", h1="あとから足した記事", tags=TAGS)
BY_HAND = "<!-- 手で書き足した -->"


def add_new_post(src) -> None:
    (src / "posts/2026").mkdir()
    (src / "posts/2026/new.md").write_text(NEW, encoding="utf-8")


def test_header_and_footer_are_replaced_only_where_each_is_found_once():
    header = '<div class="tb-post-header"><p>新</p></div>'
    footer = '<footer class="tb-post-footer"><a>新</a></footer>'
    old = ('<div class="tb-post-header"><p>旧</p></div><main>本文 <div>図</div></main>'
           '<footer class="tb-post-footer"><a>旧</a></footer><footer class="bd-footer"></footer>')
    assert replaced(old, [header, footer]) == (
        '<div class="tb-post-header"><p>新</p></div><main>本文 <div>図</div></main>'
        '<footer class="tb-post-footer"><a>新</a></footer><footer class="bd-footer"></footer>')
    assert replaced(old.replace("<p>旧</p>", "<div>旧</div>"), [header, footer]) is None  # an element inside of its kind
    assert replaced(old + footer, [header, footer]) is None  # two footers
    assert replaced(old.replace("tb-post-header", "other"), [header, footer]) is None


def test_post_pages_made_from_their_files_are_the_pages_the_theme_renders(tmp_path):
    src = make_site(tmp_path / "site", POSTS)
    first = sphinx_build(src, tmp_path / "on", env=NOW)
    assert first.returncode == 0, first.output
    assert "あとから足した記事" not in first.html("posts/2025/p3.html")

    add_new_post(src)
    again = sphinx_build(src, tmp_path / "on", "-v", env=NOW, reread=False)
    assert again.returncode == 0, again.output
    made = MADE.search(again.output)
    assert made and int(made.group(1)) >= 6 and int(made.group(2)) == 1, again.output[-3000:]
    assert "あとから足した記事" in again.html("posts/2025/p3.html")
    assert_same_site(again, sphinx_build(src, tmp_path / "off", *OFF, env=NOW))


def test_a_file_that_does_not_make_its_page_turns_it_off_for_the_build(tmp_path):
    src = make_site(tmp_path / "site", POSTS)
    first = sphinx_build(src, tmp_path / "on", env=NOW)
    assert first.returncode == 0, first.output
    for n in range(1, 9):
        page = tmp_path / "on" / f"posts/2025/p{n}.html"
        page.write_text(page.read_text(encoding="utf-8").replace("<body", BY_HAND + "<body", 1), encoding="utf-8")

    add_new_post(src)
    again = sphinx_build(src, tmp_path / "on", "-v", env=NOW, reread=False)
    assert again.returncode == 0, again.output
    assert DIFFERS in again.output and not MADE.search(again.output), again.output[-3000:]
    for n in range(1, 9):
        html = again.html(f"posts/2025/p{n}.html")
        assert "あとから足した記事" in html and BY_HAND not in html, n
