"""What makes a card: a paragraph that is one bare ``http(s)://`` URL and nothing else.

The build (:mod:`.cards`, on the doctree), ``make linkcards`` (:mod:`.command`,
on the Markdown) and the safety check (on the Markdown) decide with the same
rule, so a URL the build shows as a card is one the command fetches:

- the paragraph holds only the URL: written bare, as ``<https://...>`` or
  turned into a link by MyST's ``linkify``; a URL inside a sentence, or a
  ``[text](url)`` link, stays a link;
- the paragraph is not inside a list, a quote, a table, a definition or a
  footnote (a card is a block of its own); inside an admonition it is a card.

Only the standard library here: the safety check's worker imports it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)


def card_url(text: str) -> str | None:
    """The URL when *text* (a paragraph's text, or its Markdown) is one bare URL, else None."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    return text if URL.fullmatch(text) else None


def standalone_urls(located_tokens) -> Iterator[tuple[int, str]]:
    """(line, URL) of each card in a page's tokens (``techblog.safety.source.Source.tokens()``).

    Block tokens at nesting level 0 are outside lists, quotes and tables (a
    directive's body, parsed on its own, starts at level 0 again).
    """
    tokens = list(located_tokens)
    for index, located in enumerate(tokens[:-1]):
        token = located.token
        if token.type != "paragraph_open" or token.level != 0:
            continue
        inline = tokens[index + 1].token
        if inline.type != "inline":
            continue
        kinds = [child.type for child in inline.children or []]
        url = card_url(inline.content)
        if url and kinds in (["text"], ["link_open", "text", "link_close"]):
            yield located.line, url
