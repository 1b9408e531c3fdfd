"""Markup: raw HTML in a post may not run code, embed other sites or load anything from them.

MyST passes raw HTML through to the page, so ``<script>``, ``<iframe>``,
``<object>``, event-handler attributes (``onclick``...), ``javascript:`` URLs and
anything loaded from another origin would end up on our pages (``<img>`` is
checked with the other images, see images).  HTML shown as
code (in code blocks or backticks) is text and is not checked.  Embeds go
through the ``{youtube}`` and ``{speakerdeck}`` directives (see embeds).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from .source import Finding, Source, directive

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "form", "meta", "link", "style", "portal"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset", "background", "cite", "ping"}
BAD_SCHEME = re.compile(r"^\s*(?:javascript|vbscript|data\s*:\s*text/html)\s*:?", re.IGNORECASE)
SCRIPT_URL_IN_TEXT = re.compile(r"(?i)\b(?:javascript|vbscript):(?=[^\s、。）)])")
EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
EMBED_HINT = "動画やスライドは ```{youtube} 動画ID``` や ```{speakerdeck} ユーザー名/スライド名``` で埋め込んでください"


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[int, str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((self.getpos()[0], tag, attrs))

    handle_startendtag = handle_starttag


def html_tags(html: str) -> list[tuple[int, str, list[tuple[str, str | None]]]]:
    """(line within *html*, 1-based; tag; attributes) of every start tag."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.tags


def html_fragments(source: Source) -> Iterator[tuple[int, str]]:
    """(first file line, HTML) of every piece of raw HTML that reaches the page."""
    for located in source.tokens():
        token = located.token
        if token.type == "html_block":
            yield located.line, token.content
        elif token.type == "html_inline":
            yield located.line_of(token.content), token.content
        elif (found := directive(token)) and found[0] == "raw" and "html" in found[1].split():
            body = [line for line in token.content.split("\n")]
            skip = next((i for i, line in enumerate(body) if not line.startswith(":")), 0)
            yield located.line + 1 + skip, "\n".join(body[skip:])


def check(source: Source) -> Iterator[Finding]:
    for first, html in html_fragments(source):
        for offset, tag, attrs in html_tags(html):
            line = first + offset - 1
            if tag in FORBIDDEN_TAGS:
                yield Finding(line, "html", tag, f"記事に <{tag}> は書けません（html {tag}）。"
                              f"ほかのサイトのコードやページを読み込むことになるからです。{EMBED_HINT}")
                continue  # the tag goes; what its attributes do does not matter
            for name, value in attrs:
                if name.startswith("on"):
                    yield Finding(line, "html", name, f"<{tag}> のイベント属性「{name}」は書けません（html {name}）。"
                                  "記事のなかでスクリプトは動かせません。属性を消してください")
                elif name in URL_ATTRIBUTES and value and BAD_SCHEME.match(value):
                    yield Finding(line, "html", "javascript:", f"<{tag} {name}> に javascript: などのスクリプト URL があります（html javascript:）。"
                                  "普通のリンク（https://...）にしてください")
                elif name in URL_ATTRIBUTES - {"href", "cite"} and tag != "img" and value and EXTERNAL.match(value):
                    yield Finding(line, "html", value, f"<{tag} {name}=\"{value}\"> はほかのサイトから読み込みます（html {value}）。"
                                  "ファイルはリポジトリに置いて相対パスで参照してください。" + EMBED_HINT)
    for located in source.tokens():
        token = located.token
        if token.type == "text" and (found := SCRIPT_URL_IN_TEXT.search(token.content)):
            yield Finding(located.line_of(found.group(0)), "html", "javascript:", "javascript: の URL は書けません（html javascript:）。"
                          "普通のリンク（https://...）にするか、コードとして見せるならバッククォートで囲んでください")
        elif token.type == "link_open" and BAD_SCHEME.match(token.attrs.get("href", "") or ""):
            yield Finding(located.line, "html", "javascript:", "javascript: の URL は書けません（html javascript:）。普通のリンク（https://...）にしてください")
