"""Wording: weak phrases (ja-no-weak-phrase) and redundant expressions (ja-no-redundant-expression)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from . import Context, Hit

WEAK = re.compile(r"かもしれ(?:ない|ません)|と思(?:う|います|われます|われる)")
REDUNDANT = [
    (re.compile(r"することができ(る|ます|ない|ません|た|ました)"), "「することができる」は「できる」で足ります", lambda m: "でき" + m.group(1)),
    (re.compile(r"することが可能(です|だ|である|な)"), "「することが可能」は「できる」で足ります", lambda m: "できる"),
    (re.compile(r"であると言え(る|ます)"), "「であると言える」は「である」で足ります", lambda m: "である" if m.group(1) == "る" else "です"),
]


def no_weak_phrase(context: Context) -> Iterator[Hit]:
    for found in WEAK.finditer(context.block.text):
        yield Hit(found.start(), f"「{found.group(0)}」は弱い表現です。確かめたことは言い切り、推測なら根拠を添えてください")


def no_redundant_expression(context: Context) -> Iterator[Hit]:
    for pattern, message, fix in REDUNDANT:
        for found in pattern.finditer(context.block.text):
            yield Hit(found.start(), message, fix(found))
    words = context.words
    for before, particle, verb in zip(words, words[1:], words[2:], strict=False):
        if before.pos[:3] == ("名詞", "普通名詞", "サ変可能") and particle.surface == "を" and verb.dictionary == "行う":
            yield Hit(before.start, f"「{before.surface}を{verb.surface}」は「{before.surface}する」で足ります",
                      f"{before.surface}する")


RULES = {"no-weak-phrase": no_weak_phrase, "no-redundant-expression": no_redundant_expression}
