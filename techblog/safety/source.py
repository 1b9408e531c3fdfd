"""A page's raw Markdown as the checks see it: its lines and MyST's tokens, at file line numbers.

Checks read the file as written, not the doctree, so every finding points at the
line the writer typed, in text, front matter and code blocks alike.  Directive
bodies that MyST parses as Markdown (admonitions, tabs...) are parsed here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

# Directives whose body is not Markdown: code, data, or raw output.
NOT_MARKDOWN = {
    "code", "code-block", "sourcecode", "code-cell", "literalinclude", "math", "csv-table",
    "list-table", "raw", "mermaid", "graphviz", "dot", "diff", "youtube", "speakerdeck", "image", "figure",
}


@dataclass(frozen=True)
class Finding:
    line: int  # 1-based line in the file
    rule: str  # secret, ip, domain, name, html, image, link
    subject: str  # what a suppression names: the address, the host, the tag, the kind of secret
    message: str  # Japanese: what is wrong and how to fix it


@dataclass
class Located:
    """A token with the 1-based file lines it spans (children of inline tokens get their parent's)."""

    token: Token
    line: int
    end: int
    lines: list[str] = field(repr=False, default_factory=list)

    def line_of(self, needle: str) -> int:
        """The first line of this token's span that contains *needle* (its first line if none)."""
        first = needle.strip().split("\n", 1)[0][:60]
        for number in range(self.line, max(self.end, self.line) + 1):
            if first and first in self.lines[number - 1]:
                return number
        return self.line


@cache
def parser(extensions: frozenset[str]) -> MarkdownIt:
    return create_md_parser(MdParserConfig(enable_extensions=set(extensions)), RendererHTML)


def directive(token: Token) -> tuple[str, str] | None:
    """(name, argument) of a MyST directive fence, or None for a plain code fence."""
    match = re.match(r"\{([\w:-]+)\}\s*(.*)", token.info.strip()) if token.type in ("fence", "colon_fence") else None
    return (match.group(1), match.group(2).strip()) if match else None


@dataclass
class Source:
    path: str  # relative to the project root
    text: str
    extensions: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.lines = self.text.split("\n")
        self._tokens: list[Located] | None = None

    def tokens(self) -> list[Located]:
        if self._tokens is None:
            self._tokens = list(self._walk(self.text, 0))
        return self._tokens

    def _walk(self, text: str, offset: int) -> Iterator[Located]:
        for token in parser(self.extensions).parse(text):
            if token.map is None:
                continue
            start, end = token.map[0] + offset + 1, token.map[1] + offset
            yield Located(token, start, end, self.lines)
            for child in token.children or []:
                yield Located(child, start, end, self.lines)
            found = directive(token)
            if found and found[0] not in NOT_MARKDOWN:
                yield from self._walk(token.content, token.map[0] + offset + 1)

    def code_lines(self) -> set[int]:
        """Lines inside fenced code (code fences and code directives), fences included."""
        result: set[int] = set()
        for located in self.tokens():
            token = located.token
            if token.type in ("fence", "code_block") and (directive(token) is None or directive(token)[0] in NOT_MARKDOWN):
                result.update(range(located.line, located.end + 1))
        return result
