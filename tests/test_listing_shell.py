"""Listing pages made from a shell learnt from their neighbours are the pages the theme renders.

A site with a page size of 1, so that every listing has many pages and the
page numbers cross from one digit to two, is built with the speed layer on and
off: the same files, and the layer says how many pages it made from a shell.
"""

from __future__ import annotations

import re

import pytest

from techblog.speedups.listing_shell import Listing, fill, holes

from .sitebuild import make_site, post, sphinx_build
from .test_incremental import NOW, assert_same_site

ONE_A_PAGE = ("-D", "techblog_listing_page_size=1")
OFF = ("-D", "techblog_speedups=0")
MADE = re.compile(r"一覧のページ: (\d+) ページを枠から（うち (\d+) ページはテーマの listener なしで）、(\d+) ページを全体から作りました")


def test_the_page_number_and_its_neighbours_are_the_holes_of_the_shell():
    three = '<title>記事（3 / 12 ページ）</title><link rel="prev" href="2.html"><link rel="next" href="4.html">v2026'
    four = '<title>記事（4 / 12 ページ）</title><link rel="prev" href="3.html"><link rel="next" href="5.html">v2026'
    shell = holes([(3, three), (4, four)])
    assert shell is not None and shell.count(0) == 1 and shell.count(-1) == 1 and shell.count(1) == 1
    assert fill(shell, 3) == three and fill(shell, 4) == four
    assert fill(shell, 10) == '<title>記事（10 / 12 ページ）</title><link rel="prev" href="9.html"><link rel="next" href="11.html">v2026'


@pytest.mark.parametrize("four", [
    "<p>61〜80 件目</p>",  # runs of digits that are not the page number or a neighbour
    "<p>41〜60 件め</p>",  # text that differs
    "<p>41〜60 件目</p><p>4</p>",  # a part more
], ids=["other-number", "other-text", "other-shape"])
def test_pages_that_differ_in_anything_else_have_no_shell(four):
    assert holes([(3, "<p>41〜60 件目</p>"), (4, four)]) is None


def test_a_shell_is_used_only_once_a_third_page_came_out_of_it():
    listing = Listing()
    for n in (3, 4):
        listing.learn(n, f"<h1>{n}</h1>", "</html>")
    assert listing.shell is not None and not listing.checked
    listing.learn(5, "<h1>5</h1>", "</html>")
    assert listing.checked and listing.page(7, "<ul></ul>") == "<h1>7</h1><ul></ul></html>"

    wrong = Listing()
    for n in (3, 4):
        wrong.learn(n, f"<h1>{n}</h1>", "</html>")
    wrong.learn(5, "<h1>5</h1>", "<!-- 5 -->")
    assert wrong.off and not wrong.checked


TAGGED = {n: "[PostgreSQL]" if n % 3 else "[PostgreSQL, 障害対応]" for n in range(1, 15)}
POSTS = {f"posts/2025/p{n:02d}.md": post(date=f"2025-{(n + 1) // 2:02d}-{10 + n % 2} 10:00", h1=f"記事 {n} の 12 個の教訓",
                                         tags=TAGGED[n], author="tanaka" if n % 2 else "suzuki")
         for n in range(1, 15)}


def test_listing_pages_from_a_shell_are_the_pages_the_theme_renders(tmp_path):
    src = make_site(tmp_path / "site", POSTS)
    on = sphinx_build(src, tmp_path / "on", *ONE_A_PAGE, "-v", env=NOW)
    assert on.returncode == 0, on.output
    made = MADE.search(on.output)
    assert made and int(made.group(1)) >= 8 and int(made.group(2)) == int(made.group(1)), on.output[-3000:]
    assert on.exists("blog/page/11.html") and "（11 / 14 ページ）" in on.html("blog/page/11.html")
    off = sphinx_build(src, tmp_path / "off", *ONE_A_PAGE, *OFF, env=NOW)
    assert off.returncode == 0, off.output
    assert_same_site(on, off)

    # A new post moves every page of the listings it joins: the shells are learnt again.
    (src / "posts/2026").mkdir()
    (src / "posts/2026/p15.md").write_text(post(date="2026-05-01 09:00", h1="記事 15", tags="[PostgreSQL]"),
                                           encoding="utf-8")
    again = sphinx_build(src, tmp_path / "on", *ONE_A_PAGE, "-v", env=NOW, reread=False)
    assert again.returncode == 0, again.output
    assert MADE.search(again.output)
    assert_same_site(again, sphinx_build(src, tmp_path / "off", *ONE_A_PAGE, *OFF, env=NOW))
