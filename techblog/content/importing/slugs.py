"""ASCII slugs: from the old slug when it is one, else from the title's ASCII words, else from the date.

A Japanese or numeric slug (``%e6%97%a5...``, ``123``, Hatena's default
``2017/04/23/154957``) is not readable in a URL; the post gets a readable
ASCII slug and its old URL still redirects (``redirect_from``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from techblog.content.registries import SLUG

_WORD = re.compile(r"[a-z0-9]+")
MAX_WORDS = 6


def asciify(text: str) -> str:
    """``PostgreSQL 16 へ移行`` -> ``postgresql-16``; '' when nothing ASCII is left."""
    text = unicodedata.normalize("NFKC", text).lower().replace("+", "-plus").replace("#", "-sharp")
    words = _WORD.findall(text.replace("'", ""))
    return "-".join(words[:MAX_WORDS])


def readable(slug: str) -> bool:
    return bool(SLUG.match(slug)) and bool(re.search(r"[a-z]", slug))


def for_entry(hint: str, title: str, date: datetime | None) -> str:
    """The slug a post is written under (before making it unique)."""
    if hint and hint.isascii():
        candidate = asciify(hint)
        if readable(candidate):
            return candidate
    from_title = asciify(title)
    if readable(from_title) and len(from_title) >= 3:
        return from_title
    return f"entry-{date:%Y%m%d}" if date else "entry"


def for_term(hint: str, name: str, fallback: str) -> str:
    for text in (hint, name):
        if text and text.isascii():
            candidate = asciify(text)
            if readable(candidate):
                return candidate
    candidate = asciify(name)
    return candidate if readable(candidate) else f"{fallback}-1"


def unique(slug: str, taken) -> str:
    """*slug*, or ``slug-2``, ``slug-3``... the first not in *taken*."""
    if slug not in taken:
        return slug
    fallback = re.fullmatch(r"((?:category|tag|author)-)(\d+)", slug)
    if fallback:  # a name with nothing ASCII in it: the next number
        number = int(fallback.group(2)) + 1
        while f"{fallback.group(1)}{number}" in taken:
            number += 1
        return f"{fallback.group(1)}{number}"
    number = 2
    while f"{slug}-{number}" in taken:
        number += 1
    return f"{slug}-{number}"
