"""Links: ``http://`` links are flagged (readers get them unencrypted, and browsers warn).

That every internal reference resolves is Sphinx's and MyST's job: their
warnings fail the production build (``-W``); :mod:`.extension` also turns an
unresolved reference into a writer-facing problem, so it fails without ``-W``.
"""

from __future__ import annotations

from collections.abc import Iterator

from .source import Finding, Source


def check(source: Source) -> Iterator[Finding]:
    for located in source.tokens():
        token = located.token
        href = str(token.attrs.get("href", "")) if token.type == "link_open" else ""
        if href.lower().startswith("http://"):
            yield Finding(located.line_of(href), "link", href, f"リンク「{href}」が http:// です（link {href}）。"
                          "https:// で開けるか確かめて https:// に書き換えてください")
