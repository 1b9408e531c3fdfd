"""A page's title and table of contents turned into HTML without a docutils writer.

For every page it writes, Sphinx's HTML builder renders the page title and the
page's table of contents with ``render_partial``
(``sphinx/builders/html/__init__.py``): each time a new docutils document,
three sets of transforms and a new HTML translator, for a few words or a few
links.  That was 0.76 s of a clean build at 1,000 posts (2,130 calls).

Almost every title is plain text, and almost every page table of contents is
nested lists of links to the page's sections.  For exactly those shapes the
HTML is built here as the translator builds it: text escaped with the
translator's own table, ``<ul>``/``<li>`` and ``<a class="reference internal">``
with the same line breaks.  None of the transforms changes such nodes.
Anything else (markup in a heading, classes, ids, a toctree inside the list)
goes to Sphinx as before.  ``tests/test_partial_html.py`` compares the two on
every title and table of contents of a built site and on made-up nodes.
"""

from __future__ import annotations

import functools

from docutils import nodes
from docutils.writers._html_base import HTMLTranslator
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder

from techblog.compat.patching import Patches
from techblog.speedups.layer import Speedup

_ESCAPES = HTMLTranslator.special_characters
_ATTRIBUTE_WHITESPACE = str.maketrans("\n\r\t\v\f", "     ")


def _text(node: nodes.Element) -> str | None:
    """The node's text escaped, if its children are all plain text."""
    parts = []
    for child in node.children:
        if type(child) is not nodes.Text:
            return None
        parts.append(str(child).translate(_ESCAPES))
    return "".join(parts)


def _plain(node: nodes.Element) -> bool:
    return not node["classes"] and not node["ids"] and not node["names"]


def _link(paragraph) -> str | None:
    """``<a ...>title</a>`` for a compact paragraph holding one internal link of plain text."""
    if type(paragraph) is not addnodes.compact_paragraph or not _plain(paragraph) or len(paragraph) != 1:
        return None
    reference = paragraph[0]
    if (type(reference) is not nodes.reference or not _plain(reference) or not reference.get("internal")
            or set(reference.attributes) - {"ids", "classes", "names", "dupnames", "backrefs", "internal",
                                             "refuri", "anchorname"}):
        return None
    text = _text(reference)
    if text is None or "refuri" not in reference:
        return None
    href = (reference["refuri"] or "#").translate(_ATTRIBUTE_WHITESPACE).translate(_ESCAPES)
    return f'<a class="reference internal" href="{href}">{text}</a>'


def _toc_list(bullets, out: list[str]) -> bool:
    """Append the list's HTML to *out*; False if it is not a plain list of links."""
    if type(bullets) is not nodes.bullet_list or not _plain(bullets) or not len(bullets):
        return False
    out.append("<ul>\n")
    for item in bullets.children:
        if type(item) is not nodes.list_item or not _plain(item) or not 1 <= len(item) <= 2:
            return False
        link = _link(item[0])
        if link is None:
            return False
        out.append("<li>" + link)
        if len(item) == 2 and not _toc_list(item[1], out):
            return False
        out.append("</li>\n")
    out.append("</ul>\n")
    return True


def fast_parts(node) -> dict[str, str] | None:
    """``render_partial``'s result for a plain title or a plain table of contents; else None."""
    if type(node) is nodes.title and _plain(node):
        text = _text(node)
        return None if text is None else {"fragment": "", "title": text}
    out: list[str] = []
    if _toc_list(node, out):
        return {"fragment": "".join(out), "title": ""}
    return None


def _render_partial(render_partial):
    @functools.wraps(render_partial)
    def render(self, node):
        parts = fast_parts(node) if node is not None else None
        return parts if parts is not None else render_partial(self, node)

    return render


def _install(patches: Patches, app: Sphinx) -> None:
    patches.replace(StandaloneHTMLBuilder, "render_partial", _render_partial)


SPEEDUP = Speedup("partial_html", {"sphinx": "9.0.4", "docutils": "0.22.4"}, _install)
