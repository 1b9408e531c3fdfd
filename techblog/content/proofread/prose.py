"""The prose of a Markdown file: paragraphs, headings and list items, character by character.

Markup is parsed with the same MyST parser the safety check uses, so what is
prose here is what a reader reads: text of paragraphs, headings and list
items, also inside admonitions.  Left out: front matter, code blocks and
diagrams, block quotes (quotations are the quoted writer's words), tables,
raw HTML, comments.  Inside a block, inline code, roles, HTML, footnote
references and URLs are kept as :data:`MASK` characters: a sentence's length
counts them, and no rule reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from techblog.safety.source import Source, directive

MASK = "\x00"
# Directives whose body is prose; the others (toctree, postlist, code, diagrams...) hold no sentences.
PROSE_DIRECTIVES = {"note", "tip", "warning", "important", "caution", "attention", "danger", "error", "hint",
                    "seealso", "admonition", "dropdown", "tab-item", "card", "margin", "sidebar", "topic", "epigraph"}
URL = re.compile(r"https?://[^\s<>)）」』】]+")


@dataclass
class Block:
    kind: str  # paragraph, heading, item
    line: int  # first line, 1-based
    text: str = ""
    positions: list[tuple[int, int]] = field(default_factory=list)  # (line, column), 1-based, per character

    def add(self, text: str, positions: list[tuple[int, int]]) -> None:
        self.text += text
        self.positions += positions

    def at(self, index: int) -> tuple[int, int]:
        if not self.positions:
            return self.line, 1
        return self.positions[min(max(index, 0), len(self.positions) - 1)]


class _Cursor:
    """Finds each piece of inline text in the block's raw lines, in order, to give its characters their places."""

    def __init__(self, lines: list[str], first: int, last: int):
        self.rows = [(number, lines[number - 1]) for number in range(first, last + 1) if number - 1 < len(lines)]
        self.row, self.column = 0, 0

    def place(self, text: str) -> list[tuple[int, int]]:
        for index in range(self.row, len(self.rows)):
            number, raw = self.rows[index]
            found = raw.find(text, self.column if index == self.row else 0)
            if found >= 0 and (text.strip() or index == self.row):
                self.row, self.column = index, found + len(text)
                return [(number, found + 1 + i) for i in range(len(text))]
        number, raw = self.rows[self.row] if self.rows else (0, "")
        return [(number, min(self.column + 1, len(raw) + 1))] * len(text)

    def newline(self) -> None:
        if self.row + 1 < len(self.rows):
            self.row, self.column = self.row + 1, 0


def blocks(source: Source) -> list[Block]:
    found: list[Block] = []
    quoted = 0
    in_table = 0
    item = 0
    opener = ""
    skipped: list[tuple[int, int]] = []
    for located in source.tokens():
        token = located.token
        if any(first < located.line <= last for first, last in skipped):
            continue
        named = directive(token)
        if named and named[0] not in PROSE_DIRECTIVES:
            skipped.append((located.line, located.end))
        if token.type == "blockquote_open":
            quoted += 1
        elif token.type == "blockquote_close":
            quoted -= 1
        elif token.type == "table_open":
            in_table += 1
        elif token.type == "table_close":
            in_table -= 1
        elif token.type == "list_item_open":
            item += 1
        elif token.type == "list_item_close":
            item -= 1
        elif token.type in ("paragraph_open", "heading_open"):
            opener = token.type
        elif token.type == "inline" and opener and not quoted and not in_table:
            kind = "heading" if opener == "heading_open" else ("item" if item else "paragraph")
            found.append(_block(kind, located, source.lines))
            opener = ""
        elif token.type == "inline":
            opener = ""
    return found


def _block(kind: str, located, lines: list[str]) -> Block:
    block = Block(kind, located.line)
    cursor = _Cursor(lines, located.line, located.end)
    for child in located.token.children or []:
        kind_ = child.type
        if kind_ == "text":
            _text(block, cursor, child.content)
        elif kind_ in ("softbreak", "hardbreak"):
            # A reader's browser shows a line break between Japanese and Latin letters as a space.
            block.add(" ", [block.positions[-1] if block.positions else (located.line, 1)])
            cursor.newline()
        elif kind_ in ("code_inline", "html_inline", "myst_role", "footnote_ref", "math_inline"):
            text = child.markup + child.content + child.markup if kind_ == "code_inline" else child.content
            places = cursor.place(text) if text else []
            block.add(MASK * len(places), places)
        elif kind_ == "image":
            continue
    return block


def _text(block: Block, cursor: _Cursor, content: str) -> None:
    places = cursor.place(content)
    masked = URL.sub(lambda m: MASK * len(m.group(0)), content)
    block.add(masked, places)


def sentences(block: Block) -> list[tuple[int, int]]:
    """(start, end) of each sentence: up to and including 。！？ (and a closing bracket after them)."""
    spans, start = [], 0
    text = block.text
    index = 0
    while index < len(text):
        if text[index] in "。！？":
            end = index + 1
            while end < len(text) and text[end] in "」』）)":
                end += 1
            spans.append((start, end))
            start = index = end
            continue
        index += 1
    if text[start:].strip(" \u3000" + MASK):
        spans.append((start, len(text)))
    return spans
