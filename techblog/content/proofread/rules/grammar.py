"""Grammar, by words: a doubled particle (no-doubled-joshi), ら抜き言葉 (no-dropping-the-ra), double negatives (no-double-negative-ja)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import analyzer
from . import Context, Hit

DOUBLE_NEGATIVE = re.compile(
    r"な(?:い|かった)(?:こと|わけ|もの)(?:は|も|で(?:は|も))?な(?:い|かった)|なくは?な(?:い|かった)|なくもな(?:い|かった)|ないでもない|ざるを得な(?:い|かった)")
ICHIDAN = ("上一段", "下一段", "カ行変格")


def no_doubled_joshi(context: Context) -> Iterator[Hit]:
    """The same case particle twice in one clause, a few words apart: 「材料不足で代替素材で作った」.

    A clause ends at a verb, adjective or auxiliary, a 読点 or a bracket: a
    relative clause makes 「その文字列を含むページを」 ordinary Japanese.  Only
    particles at most ``within`` words apart (default 3) are reported.
    """
    particles = set(context.options.get("particles", ["が", "を", "で"]))
    within = int(context.options.get("within", 3))
    for start, end in context.sentences:
        seen: dict[str, int] = {}
        for position, word in enumerate(context.words_in(start, end)):
            if word.surface in "、，（）()「」『』" or word.pos[0] in ("動詞", "形容詞", "助動詞"):
                seen = {}
            elif word.pos[:2] == ("助詞", "格助詞") and word.surface in particles:
                if word.surface in seen and position - seen[word.surface] - 1 <= within:
                    yield Hit(word.start, f"助詞「{word.surface}」が近くで続けて使われています。"
                              "どちらかを言い換えるか、文を分けてください")
                seen[word.surface] = position


def no_dropping_the_ra(context: Context) -> Iterator[Hit]:
    """見れる・来れる・寝れる: a 一段 or カ変 verb's potential without ら (a 五段 verb's 取れる is right)."""
    for word in context.words:
        if not word.verb or not word.dictionary.endswith("れる") or word.dictionary == word.normalized:
            continue
        base = word.normalized
        if base.endswith("る") and word.dictionary == base[:-1] + "れる" and \
                analyzer.conjugation_of(base).startswith(ICHIDAN):
            right = base[:-1] + "られる"
            yield Hit(word.start, f"「{word.surface}」はら抜き言葉です。「{right}」の形にしてください",
                      word.surface.replace(base[:-1] + "れ", base[:-1] + "られ", 1))


def no_double_negative(context: Context) -> Iterator[Hit]:
    for found in DOUBLE_NEGATIVE.finditer(context.block.text):
        yield Hit(found.start(), f"「{found.group(0)}」は二重否定です。肯定の形で言い切ってください")


RULES = {
    "no-doubled-joshi": no_doubled_joshi,
    "no-dropping-the-ra": no_dropping_the_ra,
    "no-double-negative": no_double_negative,
}
