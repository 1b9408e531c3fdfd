"""Reading time of a Japanese post, the one place it is computed.

Japanese readers read about 500 characters a minute (Hugo's CJK rule); counting
characters rather than words is what makes a 1,600-character post "約4分"
instead of "約1分" (word-splitting tools see almost no spaces in Japanese).
"""

from __future__ import annotations

import math

CHARS_PER_MINUTE = 500


def minutes(text: str) -> int:
    """Whole minutes to read *text*, at least one."""
    chars = sum(1 for c in text if not c.isspace())
    return max(1, math.ceil(chars / CHARS_PER_MINUTE))


def label(text: str) -> str:
    return f"約{minutes(text)}分"
