"""Reading time for Japanese posts: characters, not words.

Tools that count words split on spaces and punctuation, so a 1,600-character
Japanese post reads as "約1分".  Here prose is counted in characters (about 500
a minute, as Japanese readers read) and code blocks by lines, read separately
(about 20 lines a minute), e.g. 約6分（2,900字）.
"""

from __future__ import annotations

from dataclasses import dataclass

from docutils import nodes
from sphinx.application import Sphinx

from techblog import metadata
from techblog.content import posts
from techblog.core import docstore

CHARS_PER_MINUTE = 500
CODE_LINES_PER_MINUTE = 20

# Text in these nodes is not prose a reader reads through.
_SKIP = (nodes.literal_block, nodes.raw, nodes.comment, nodes.system_message, nodes.title)


@dataclass(frozen=True)
class ReadingTime:
    chars: int  # prose characters, whitespace not counted
    code_lines: int

    @property
    def minutes(self) -> int:
        exact = self.chars / CHARS_PER_MINUTE + self.code_lines / CODE_LINES_PER_MINUTE
        return max(1, int(exact + 0.5))

    @property
    def label(self) -> str:
        return f"約{self.minutes}分（{self.chars:,}字）"


def _prose_chars(text: str) -> int:
    """Characters that are not whitespace (``str.split`` splits on exactly ``str.isspace``)."""
    return len("".join(text.split()))


def measure(doctree: nodes.Node) -> ReadingTime:
    chars = 0
    code_lines = 0
    for node in doctree.findall(nodes.Text):
        if any(isinstance(parent, _SKIP) for parent in _ancestors(node)):
            continue
        chars += _prose_chars(node.astext())
    for block in doctree.findall(nodes.literal_block):
        code_lines += sum(1 for line in block.astext().splitlines() if line.strip())
    return ReadingTime(chars, code_lines)


def _ancestors(node: nodes.Node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def of(app: Sphinx, docname: str) -> ReadingTime | None:
    return getattr(app.env, "techblog_reading", {}).get(docname)


def _doctree_read(app: Sphinx, doctree) -> None:
    if app.env.docname not in posts.of(app).all:
        return
    docstore.of(app.env, "techblog_reading")[app.env.docname] = measure(doctree)


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.content.posts")
    app.connect("doctree-read", _doctree_read)
    docstore.keep_per_document(app, "techblog_reading")
    return metadata()
