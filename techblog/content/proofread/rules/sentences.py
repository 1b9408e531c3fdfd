"""Sentences: length (textlint's sentence-length), 読点 (max-ten), runs of kanji (max-kanji-continuous-len), ですます and である (no-mix-dearu-desumasu)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..prose import MASK
from . import Context, Hit

KANJI_RUN = re.compile(r"[\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
DESUMASU = re.compile(r"(?:です|ます|でした|ました|ません|ませんでした|でしょう|ましょう|ください)[」』）)]*。$")
DEARU = re.compile(r"(?:である|であった|であろう|だ|だった|ではない|ではなかった|だろう)[」』）)]*。$")


def sentence_length(context: Context) -> Iterator[Hit]:
    limit = int(context.options.get("max", 100))
    for start, end in context.sentences:
        text = context.block.text[start:end].strip()
        if len(text) > limit:
            yield Hit(start + (len(context.block.text[start:end]) - len(context.block.text[start:end].lstrip())),
                      f"一文が {len(text)} 文字あります（上限 {limit} 文字）。文を分けるか短くしてください")


def max_ten(context: Context) -> Iterator[Hit]:
    """読点 per sentence; as textlint's max-ten without strict, one between two nouns (a list: 「A、B、C」) does not count."""
    limit = int(context.options.get("max", 3))
    for start, end in context.sentences:
        commas = [i for i in range(start, end) if context.block.text[i] in "、，" and not _between_nouns(context, i)]
        if len(commas) > limit:
            yield Hit(commas[limit], f"一文に読点が {len(commas)} 個あります（上限 {limit} 個）。文を分けてください")


def _between_nouns(context: Context, index: int) -> bool:
    words = [w for w in context.words if w.surface.strip()]
    at = next((n for n, w in enumerate(words) if w.start == index), None)
    if at is None or at == 0 or at + 1 >= len(words):
        return False
    return _noun(words[at - 1]) and _noun(words[at + 1])


def _noun(word) -> bool:
    return word.pos[0] in ("名詞", "接尾辞", "代名詞") or word.surface.strip("＿") == "" or word.pos[1] == "固有名詞" \
        or word.surface.isascii()


def max_kanji_continuous_len(context: Context) -> Iterator[Hit]:
    limit = int(context.options.get("max", 6))
    allowed = set(context.options.get("allow", []))
    for run in KANJI_RUN.finditer(context.block.text):
        if len(run.group(0)) > limit and run.group(0) not in allowed and not _names_a_place_or_thing(context, run):
            yield Hit(run.start(), f"漢字が {len(run.group(0))} 文字続いています（「{run.group(0)}」、上限 {limit} 文字）。"
                      "ひらがなを挟むか言い換えてください")


def _names_a_place_or_thing(context: Context, run) -> bool:
    """A run with a proper noun in it (東京都千代田区, 日本電信電話) is a name, not prose to break up."""
    return any(w.pos[1] == "固有名詞" for w in context.words_in(run.start(), run.end()))


def no_mix_dearu_desumasu(context: Context) -> Iterator[Hit]:
    """Only in body paragraphs; the file's majority style is the expected one (counted by the command)."""
    if context.block.kind != "paragraph":
        return
    expected = context.options.get("expected", "")
    for start, end in context.sentences:
        text = context.block.text[start:end].strip().replace(MASK, "")
        if "「" in text and not text.endswith("。"):
            continue
        style = "ですます" if DESUMASU.search(text) else "である" if DEARU.search(text) else ""
        if style and expected and style != expected:
            yield Hit(start + len(context.block.text[start:end]) - len(context.block.text[start:end].lstrip()),
                      f"本文は「{expected}」調ですが、この文は「{style}」調です。どちらかにそろえてください")


def style_of(sentence: str) -> str:
    text = sentence.strip().replace(MASK, "")
    return "ですます" if DESUMASU.search(text) else "である" if DEARU.search(text) else ""


RULES = {
    "sentence-length": sentence_length,
    "max-ten": max_ten,
    "max-kanji-continuous-len": max_kanji_continuous_len,
    "no-mix-dearu-desumasu": no_mix_dearu_desumasu,
}
