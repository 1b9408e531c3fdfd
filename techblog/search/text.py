"""What the search index holds of one page: its text and its tokens.

No Sphinx here: :mod:`techblog.speedups.search_worker` runs these in a second process
while the pages are written, and a process that imports only this and lxml
starts in a tenth of a second and stays small.
"""

from __future__ import annotations

import hashlib
import math
import operator
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import orjson
from lxml import html as lxml_html

# Field weights: one title or tag hit outweighs any number of body mentions
# (the body part is a saturating BM25 term below 2.2).
TITLE_WEIGHT = 8.0
TAG_WEIGHT = 6.0
BM25_K1 = 1.2
BM25_B = 0.75
TOKEN_SEP = "\x00"  # tokens joined into one string: compact to keep and to pickle

HIRAGANA = "\u3041-\u3096\u309d\u309e"
KATAKANA = "\u30a1-\u30fa\u30fc-\u30fe\u31f0-\u31ff"
KANJI = "\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(f"[{HIRAGANA}{KATAKANA}{KANJI}]+|[0-9a-z_\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]+")
HIRAGANA_RE = re.compile(f"[{HIRAGANA}]")
ALNUM_PARTS_RE = re.compile("[0-9]+|[^0-9]+")
CJK_RE = re.compile(f"[{HIRAGANA}{KATAKANA}{KANJI}]")
# 表記ゆれ, by rule (the reader's browser has no dictionary; search.js has the same rules):
# - okurigana: one hiragana between two kanji, of the i- and e-row kana a verb's
#   連用形 ends in (書き込み, 取り扱い, 切り替え, 問い合わせ), never a particle
#   (の と が を に は で も や へ て): 書き込み also reads as 書込み;
# - long vowel: the ー (or ーー) ending a katakana run of three letters or more
#   before it (サーバー, ユーザー; コピー and エラー keep theirs): サーバー also reads as サーバ.
# A Latin query word of PREFIX_MIN letters or more also finds the words it begins.
PREFIX_MIN = 3
PREFIX_KEY_RE = re.compile(f"[^0-9]{{{PREFIX_MIN}}}")
OKURIGANA = "いきぎしじちびみりえけげせねべめれ"
VARIANT_RE = re.compile(f"(?<=[{KANJI}])[{OKURIGANA}](?=[{KANJI}])|(?<=[{KATAKANA}]{{3}})ー+(?![{KATAKANA}])")
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


def variant(text: str) -> str:
    """*text* (normalized) without okurigana and word-final long vowels: 書き込み -> 書込み, サーバー -> サーバ.

    The query side searches for this form; the index holds the bigrams it
    makes besides the text's own (see :func:`joins`).
    """
    return VARIANT_RE.sub("", text)


def joins(run: str) -> list[str]:
    """The bigrams of a kana/kanji run's :func:`variant` that the run itself lacks: 書き込み -> [書込]."""
    return [run[m.start() - 1] + run[m.end()] for m in VARIANT_RE.finditer(run) if m.end() < len(run)]


def prefix_key(token: str) -> str | None:
    """The first three letters of a Latin word of three or more, which a query
    word expands from (kube -> kubernetes, kubectl); None for other tokens."""
    if len(token) < PREFIX_MIN or CJK_RE.match(token) or not PREFIX_KEY_RE.match(token):
        return None
    return token[:PREFIX_MIN]


def tokens(text: str) -> list[str]:
    """Index tokens of *text*: bigrams of kana/kanji runs (and of their variant form), single kanji/katakana,
    Latin/digit words."""
    out: list[str] = []
    for run in TOKEN_RE.findall(normalize(text)):
        if CJK_RE.match(run):
            out.extend(HIRAGANA_RE.sub("", run))
            out.extend(map(operator.add, run, run[1:]))
            out.extend(joins(run))
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
            count += len(HIRAGANA_RE.sub("", run)) + len(run) - 1 + len(joins(run))
        else:
            parts = len(ALNUM_PARTS_RE.findall(run))
            count += 1 + (parts if parts > 1 else 0)
    return count


def pack(pairs) -> tuple[str, array]:
    """(token, number) pairs, compactly: the tokens joined by NUL, and the numbers."""
    pairs = list(pairs)
    return TOKEN_SEP.join(t for t, _ in pairs), array("i", (n for _, n in pairs))


def unpack(packed: tuple[str, array]) -> list[tuple[str, int]]:
    joined, numbers = packed
    return list(zip(joined.split(TOKEN_SEP), numbers, strict=True)) if joined else []


def unpacked_some(packed: tuple[str, array], tokens: list[str]) -> dict[str, int]:
    """The numbers of those of *tokens* that *packed* has, found in the joined string, not unpacked.

    A token's place is the number of separators before it: the few tokens a page is
    asked for cost two scans in C, where unpacking makes a pair of each of its hundreds.
    """
    joined, numbers = packed
    padded = f"{TOKEN_SEP}{joined}{TOKEN_SEP}"
    found = {}
    for token in tokens:
        at = padded.find(f"{TOKEN_SEP}{token}{TOKEN_SEP}")
        if at >= 0:
            found[token] = numbers[padded.count(TOKEN_SEP, 0, at)]
    return found


def body_counts(text: str) -> tuple[str, array]:
    """How often each token occurs in *text*, packed."""
    return pack(Counter(tokens(text)).items())


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


def average_length(lengths: list[int]) -> float:
    """The corpus's average body length for BM25, rounded to a step of 2^(1/4).

    Rounded so that editing or adding one post does not change every other
    post's weights (and so every file of the index): the average moves by a
    step only when the blog's typical post length changes by about a fifth.
    """
    return rounded_length(sum(lengths) / max(len(lengths), 1))


def rounded_length(length: float) -> float:
    """A length rounded to a step of 2^(1/4) (19 %), for BM25's length normalisation."""
    return 2 ** (round(math.log2(max(length, 1.0)) * 4) / 4)


def doc_weights(page: Page, average: float, body: Mapping[str, int] | None = None) -> list[tuple[str, int]]:
    """(token, weight x 100) of one page: field weights + BM25 body term.

    *body* is how often each token occurs in the page's text, when already
    counted (techblog.speedups.search_worker counts while pages are written).  The body
    length is rounded like the average, so a sentence added to a post changes
    only the weights of the words it adds (techblog.speedups.search_update then rewrites
    a few shards, not every shard the post is in).
    """
    body = Counter(tokens(page.text)) if body is None else body
    length = rounded_length(sum(body.values()) or 1)
    title, tags = set(tokens(page.title)), set(tokens(" ".join(page.tags)))
    norm = BM25_K1 * (1 - BM25_B + BM25_B * length / average)
    weights = []
    for token in sorted(title | tags | set(body)):
        tf = body.get(token, 0)
        weight = TITLE_WEIGHT * (token in title) + TAG_WEIGHT * (token in tags) + tf * (BM25_K1 + 1) / (tf + norm)
        weights.append((token, max(1, round(weight * 100))))
    return weights


def encode(data) -> bytes:
    """Compact UTF-8 JSON: the bytes of ``json.dumps(data, ensure_ascii=False, separators=(",", ":"))``.

    orjson writes them 5 times faster (the index is 2,000 files at 1,000 posts;
    an added post rewrites some 430 shards).
    """
    return orjson.dumps(data)


def doc_record(page: Page) -> dict:
    # The snippet text is NFKC too, so the page can find and mark ＡＷＳ typed as AWS.
    return {"u": page.url, "t": page.title, "d": page.date, "x": unicodedata.normalize("NFKC", page.text)}


def page_key(page: Page) -> str:
    """A digest of everything the index keeps of *page*."""
    return hashlib.sha1(repr((page.url, page.title, page.date, page.tags, page.text)).encode()).hexdigest()


def doc_file(page: Page) -> bytes:
    """The bytes of the page's document file (``_search/doc/<id>.json``)."""
    return encode(doc_record(page))
