"""The common model of an export: entries with their authors, terms, dates and old URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class ExportError(Exception):
    """An export that cannot be read: one line for the writer (``path:line: ...``)."""


@dataclass
class Person:
    key: str  # the name the export uses (WordPress login, Hatena id)
    name: str  # the name shown
    slug_hint: str = ""


@dataclass
class Term:
    name: str  # as shown
    slug_hint: str = ""  # WordPress nicename (may be percent-encoded Japanese)


@dataclass
class Entry:
    key: str  # stable id in its export ("wordpress:<post id>", "hatena:<basename>")
    kind: str  # "post" or "page"
    status: str  # "publish", "draft", "future", "private", "trash", ...
    title: str
    date: datetime | None  # aware, Japan time
    authors: list[Person]
    categories: list[Term]
    tags: list[Term]
    body: str  # HTML
    line: int  # where the entry starts in the export
    excerpt: str = ""
    slug_hint: str = ""  # WordPress post_name, Hatena BASENAME
    old_urls: list[str] = field(default_factory=list)  # absolute URLs or site paths
    old_paths: list[str] = field(default_factory=list)  # site-relative paths for redirect_from
    image: str = ""  # Hatena's IMAGE: the entry's picture


@dataclass
class Export:
    format: str  # "wordpress" or "hatena"
    path: str
    entries: list[Entry]
    base_url: str = ""  # the old site's address, when the export says it
    attachments: dict[str, str] = field(default_factory=dict)  # WordPress: URL -> attachment file path hint
    authors: dict[str, Person] = field(default_factory=dict)
