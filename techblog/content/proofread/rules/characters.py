"""Characters: half-width katakana, ！ and ？, unmatched brackets, zero-width and control characters.

As textlint's no-hankaku-kana, no-exclamation-question-mark, no-unmatched-pair,
no-zero-width-spaces and no-invalid-control-character.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from . import Context, Hit

HANKAKU = re.compile(r"[\uff61-\uff9f]+")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
PAIRS = {"（": "）", "「": "」", "『": "』", "【": "】", "［": "］", "｛": "｝", "〈": "〉", "《": "》", "(": ")"}
CLOSERS = {v: k for k, v in PAIRS.items()}
INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")


def no_hankaku_kana(context: Context) -> Iterator[Hit]:
    for found in HANKAKU.finditer(context.block.text):
        yield Hit(found.start(), f"半角カタカナ「{found.group(0)}」があります。全角にしてください",
                  unicodedata.normalize("NFKC", found.group(0)))


def no_exclamation_question_mark(context: Context) -> Iterator[Hit]:
    """！？ always; ! and ? only next to Japanese (an English quotation keeps its own)."""
    text = context.block.text
    for index, char in enumerate(text):
        if char in "！？" or (char in "!?" and (JAPANESE.match(text[index - 1:index] or " ") or
                                                JAPANESE.match(text[index + 1:index + 2] or " "))):
            yield Hit(index, f"技術文書では「{char}」を使いません。句点で終えてください", "。")


def no_unmatched_pair(context: Context) -> Iterator[Hit]:
    stack: list[tuple[str, int]] = []
    text = context.block.text
    for index, char in enumerate(text):
        if char in PAIRS:
            stack.append((char, index))
        elif char in CLOSERS:
            if stack and stack[-1][0] == CLOSERS[char]:
                stack.pop()
            elif char != ")" or "(" in (c for c, _ in stack):
                yield Hit(index, f"閉じ括弧「{char}」に対応する「{CLOSERS[char]}」がありません")
            elif not re.match(r"\s*[0-9a-zA-Z]", text[max(index - 2, 0):index]):
                yield Hit(index, f"閉じ括弧「{char}」に対応する「{CLOSERS[char]}」がありません")
    for opener, index in stack:
        yield Hit(index, f"括弧「{opener}」が閉じていません。「{PAIRS[opener]}」を足してください")


def no_zero_width_spaces(context: Context) -> Iterator[Hit]:
    for found in INVISIBLE.finditer(context.block.text):
        yield Hit(found.start(), f"目に見えない文字（U+{ord(found.group(0)):04X}）があります。消してください", "")


def no_invalid_control_character(context: Context) -> Iterator[Hit]:
    for index, char in enumerate(context.block.text):
        if char != "\x00" and unicodedata.category(char) == "Cc" and char not in "\t\n":
            yield Hit(index, f"制御文字（U+{ord(char):04X}）があります。消してください", "")


RULES = {
    "no-hankaku-kana": no_hankaku_kana,
    "no-exclamation-question-mark": no_exclamation_question_mark,
    "no-unmatched-pair": no_unmatched_pair,
    "no-zero-width-spaces": no_zero_width_spaces,
    "no-invalid-control-character": no_invalid_control_character,
}
