"""Links: ``http://`` links, link cards' URLs included, are flagged (readers get them unencrypted, and browsers warn).

That every internal reference resolves is Sphinx's and MyST's job: their
warnings fail the production build (``-W``); :mod:`.extension` also turns an
unresolved reference into a writer-facing problem, so it fails without ``-W``.
"""

from __future__ import annotations

from collections.abc import Iterator

from techblog.writing.linkcards.syntax import standalone_urls

from .source import Finding, Source


def check(source: Source) -> Iterator[Finding]:
    for located in source.tokens():
        token = located.token
        href = str(token.attrs.get("href", "")) if token.type == "link_open" else ""
        if href.lower().startswith("http://"):
            yield _finding(located.line_of(href), href)
    # A link card's URL is a link even when written bare (MyST's linkify off).
    for line, url in standalone_urls(source.tokens()):
        if url.lower().startswith("http://"):
            yield _finding(line, url)


def _finding(line: int, href: str) -> Finding:
    return Finding(line, "link", href, f"リンク「{href}」が http:// です（link {href}）。"
                   "https:// で開けるか確かめて https:// に書き換えてください")
