"""Spacing between Japanese and half-width alphanumerics (ja-spacing's ja-space-between-half-and-full-width).

The company's style (``space: always``, the default) puts one half-width
space between them: 「PostgreSQL 16 への移行」「4 コア」.  ``never`` asks for none.
Punctuation and brackets need no space (「nginx、」「（nginx）」), nor does
masked markup (inline code keeps its own spaces).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from . import Context, Hit

JA = "\u3041-\u3096\u30a1-\u30fa\u30fc\u3400-\u4dbf\u4e00-\u9fff\u3005"
ALNUM = "0-9A-Za-z"
TOUCHING = re.compile(f"(?<=[{JA}])(?=[{ALNUM}])|(?<=[{ALNUM}])(?=[{JA}])")
SPACED = re.compile(f"(?<=[{JA}]) (?=[{ALNUM}])|(?<=[{ALNUM}]) (?=[{JA}])")


def ja_space_between_half_and_full_width(context: Context) -> Iterator[Hit]:
    text = context.block.text
    if context.options.get("space", "always") == "never":
        for found in SPACED.finditer(text):
            yield Hit(found.start(), "日本語と半角英数字の間に空白があります。空白を消してください", "")
        return
    for found in TOUCHING.finditer(text):
        index = found.start()
        left, right = text[:index], text[index:]
        if re.match(f"[{ALNUM}]", right):  # Japanese, then letters or digits: 「約20」 → 「約 20」
            fix = left[-1] + " " + re.match(f"[{ALNUM}.,]+", right).group(0)
        else:  # letters or digits, then Japanese: 「SLOの」 → 「SLO の」
            fix = re.search(f"[{ALNUM}.,]+$", left).group(0) + " " + right[0]
        yield Hit(index, "日本語と半角英数字の間には半角空白を入れます", fix)

RULES = {"ja-space-between-half-and-full-width": ja_space_between_half_and_full_width}
