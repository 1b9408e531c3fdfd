"""What the search index holds of one page: its text and its tokens.

No Sphinx here: :mod:`techblog.search_worker` runs these in a second process
while the pages are written, and a process that imports only this and lxml
starts in a tenth of a second and stays small.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from array import array
from collections import Counter
from dataclasses import dataclass

from lxml import html as lxml_html

HIRAGANA = "\u3041-\u3096\u309d\u309e"
KATAKANA = "\u30a1-\u30fa\u30fc-\u30fe\u31f0-\u31ff"
KANJI = "\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(f"[{HIRAGANA}{KATAKANA}{KANJI}]+|[0-9a-z_\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]+")
HIRAGANA_RE = re.compile(f"[{HIRAGANA}]")
ALNUM_PARTS_RE = re.compile("[0-9]+|[^0-9]+")
CJK_RE = re.compile(f"[{HIRAGANA}{KATAKANA}{KANJI}]")
# What is in the article but is not the page's own text: permalink marks,
# ablog's prev/next links, preview banners, the post templates' byline, share
# buttons, author cards, related posts and pager, and anything marked with
# the class techblog-search-ignore (share buttons, related posts...).
NOT_CONTENT = " | ".join([
    './/a[contains(@class, "headerlink")]', ".//script", ".//style", ".//nav",
    './/*[contains(@class, "ablog__")]', './/*[contains(@class, "techblog-status-banner")]', ".//footer",
    *(f'.//*[contains(concat(" ", @class, " "), " {c} ")]'
      for c in ("tb-post-header", "tb-post-footer", "tb-share", "tb-authors", "tb-related", "tb-pager")),
    './/*[contains(concat(" ", @class, " "), " techblog-search-ignore ")]',
])
BLOCK_TAGS = {"p", "li", "dt", "dd", "pre", "div", "section", "blockquote", "tr", "td", "th", "h1", "h2", "h3",
              "h4", "h5", "h6", "figcaption", "caption", "table", "ul", "ol", "dl", "br"}


@dataclass
class Page:
    url: str
    title: str
    date: str  # 2026年1月21日 for posts, "" for docs
    tags: list[str]  # labels and aliases
    text: str


def normalize(text: str) -> str:
    """NFKC (ＡＷＳ -> AWS, ｶﾀｶﾅ -> カタカナ) and lower case: the same on both sides."""
    return unicodedata.normalize("NFKC", text).lower()


def tokens(text: str) -> list[str]:
    """Index tokens of *text*: bigrams of kana/kanji runs, single kanji/katakana, Latin/digit words."""
    out: list[str] = []
    for run in TOKEN_RE.findall(normalize(text)):
        if CJK_RE.match(run):
            out.extend(HIRAGANA_RE.sub("", run))
            out.extend(map(operator.add, run, run[1:]))
        else:
            # "PostgreSQL16" and "PostgreSQL 16" must meet: letters and digits
            # are also indexed apart.
            parts = ALNUM_PARTS_RE.findall(run)
            out.extend(parts if len(parts) > 1 else [])
            out.append(run)
    return out


def token_count(text: str) -> int:
    """``len(tokens(text))`` without making the tokens (a third of the time)."""
    count = 0
    for run in TOKEN_RE.findall(normalize(text)):
        if CJK_RE.match(run):
            count += len(HIRAGANA_RE.sub("", run)) + len(run) - 1
        else:
            parts = len(ALNUM_PARTS_RE.findall(run))
            count += 1 + (parts if parts > 1 else 0)
    return count


def body_counts(text: str) -> tuple[str, array]:
    """How often each token occurs in *text*, compactly: the tokens joined by NUL, and their counts."""
    counts = Counter(tokens(text))
    return "\x00".join(counts), array("i", counts.values())


def element_text(element) -> str:
    for el in element.iter():
        if isinstance(el.tag, str) and el.tag in BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
    return re.sub(r"\s+", " ", element.text_content()).strip()


def page_from_html(html: bytes, url: str, title: str | None, date: str, tags: list[str]) -> Page | None:
    """The page in a written HTML file: its article's text without the parts that are not its own.

    *title* replaces the H1 when given (a post's front-matter title: the H1 may
    be cut short, a title with " #" renders only up to it).
    """
    tree = lxml_html.fromstring(html.decode("utf-8"))
    article = next(iter(tree.xpath('//article[contains(@class, "bd-article")]')), None)
    if article is None:
        return None
    for junk in article.xpath(NOT_CONTENT):
        junk.drop_tree()
    h1 = next(iter(article.xpath(".//h1")), None)
    heading = re.sub(r"\s+", " ", h1.text_content()).strip() if h1 is not None else ""
    if h1 is not None:
        h1.drop_tree()
    return Page(url, title or heading, date, tags, element_text(article))
