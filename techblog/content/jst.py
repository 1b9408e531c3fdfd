"""Japan time: every date a writer types and every date a reader sees.

The build machine's time zone never matters.  ``TECHBLOG_NOW`` (ISO 8601) pins
"now" for tests and for rebuilding an old commit exactly as it was.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")

_FORMS = re.compile(
    r"^\d{4}-\d{2}-\d{2}"  # date
    r"([ T]\d{2}:\d{2}(:\d{2})?"  # optional time
    r"(Z|[+-]\d{2}:?\d{2})?)?$"  # optional offset, only after a time
)


def now() -> datetime:
    pinned = os.environ.get("TECHBLOG_NOW")
    if pinned:
        return to_jst(datetime.fromisoformat(pinned))
    return datetime.now(JST)


def to_jst(value: datetime) -> datetime:
    """A naive datetime is Japan time; an aware one is converted to it."""
    if value.tzinfo is None:
        return value.replace(tzinfo=JST)
    return value.astimezone(JST)


class DateError(ValueError):
    pass


def parse(text: str) -> datetime:
    """Parse a front-matter date (``2026-11-28``, ``2026-11-28 10:00``,
    ``2026-11-28T10:00:00+09:00``) into an aware datetime in Japan time."""
    text = text.strip()
    if not _FORMS.match(text):
        raise DateError(
            f"日付「{text}」の形式が読めません。"
            "2026-11-28、2026-11-28 10:00、2026-11-28T10:00:00+09:00 のいずれかで書いてください"
        )
    try:
        return to_jst(datetime.fromisoformat(text))
    except ValueError:
        raise DateError(f"日付「{text}」は存在しない日付または時刻です（月・日・時刻を確認してください）") from None


def japanese_date(value: datetime | date) -> str:
    """2026年11月28日 (no zero padding, as Japanese readers write it)."""
    if isinstance(value, datetime):
        value = to_jst(value)
    return f"{value.year}年{value.month}月{value.day}日"
