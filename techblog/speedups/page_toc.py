"""The in-page table of contents ("on this page"), made without BeautifulSoup.

pydata-sphinx-theme 0.20's ``generate_toc_html`` parses the TOC Sphinx renders
with BeautifulSoup, adds Bootstrap classes, finds the page title's entry with
CSS selectors (which import soupsieve and compile its grammar, 0.2 s in a
rebuild that writes a page) and the templates turn the tree back into text:
3 ms a page, 5 % of a clean build.  Sphinx's TOC is a fixed shape (one list;
each item a link, then at most one nested list), so it is rewritten here as a
string: the same classes, the same selection, and text and attributes
serialised as BeautifulSoup does.  Anything of another shape goes to the
theme's function.  ``tests/test_speed.py`` checks the result is exactly what
the theme's function returns.

The theme connects ``add_toctree_functions`` and then ``set_secondary_sidebar_items``
(which already calls ``generate_toc_html``) to ``html-page-context`` at the same
priority, so the function is swapped inside that listener, in its place in the
queue.
"""

from __future__ import annotations

import html
import re
from functools import cache

from markupsafe import Markup
from pydata_sphinx_theme import toctree
from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.speedups.layer import Speedup

TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*=\"[^\"<>]*\")*)\s*(/?)>")
ATTRIBUTE = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)"')
VOID = {"br", "img", "hr", "wbr", "input"}


class _Unexpected(Exception):
    """The TOC is not of the shape Sphinx renders: the theme's steps handle it."""


def _text(raw: str) -> str:
    if "<" in raw or ">" in raw:
        raise _Unexpected(raw)
    return html.escape(html.unescape(raw), quote=False)


def _start_tag(name: str, attributes: str, add: str = "") -> str:
    pairs = ATTRIBUTE.findall(attributes)
    if len(pairs) != attributes.count("="):
        raise _Unexpected(attributes)
    values = {key: html.unescape(value) for key, value in pairs}
    if len(values) != len(pairs) or any('"' in v for v in values.values()):
        raise _Unexpected(attributes)
    if add:
        values["class"] = " ".join([*values.get("class", "").split(), *add.split()])
    rendered = "".join(f' {key}="{html.escape(value, quote=False)}"' for key, value in values.items())
    return f"<{name}{rendered}>"


def fast_toc_html(toc: str, show_toc_level: int) -> str:
    """``generate_toc_html()`` of the theme for a TOC of Sphinx's shape, as a string."""
    out: list[str] = []
    depth = 0  # how many lists are open
    open_items: list[int] = []  # output indexes of the open items' start tags
    top_lists = 0
    first_link_due = False  # the next tag must be the item's own link
    position = 0
    title_items: list[int] = []  # output indexes of the level-1 items' start tags
    nested = {}  # output index of an item's start tag -> of its nested list's start tag
    has_h2 = set()  # level-1 items that contain a level-2 item
    for match in TAG.finditer(toc):
        out.append(_text(toc[position:match.start()]))
        position = match.end()
        closing, name, attributes, self_closing = match.group(1), match.group(2).lower(), match.group(3), match.group(4)
        if first_link_due and (closing or name != "a"):
            raise _Unexpected(name)
        if name == "ul":
            if closing:
                if not depth or len(open_items) != depth - 1:
                    raise _Unexpected("list closed out of order")
                depth -= 1
                out.append("</ul>")
                continue
            if depth and (len(open_items) != depth or open_items[-1] in nested):
                raise _Unexpected("list outside an item")
            if not depth:
                top_lists += 1
            depth += 1
            classes = ("pst-show_toc_level " if depth <= show_toc_level + 1 else "") + "nav section-nav flex-column"
            if open_items:
                nested[open_items[-1]] = len(out)
            out.append(_start_tag("ul", attributes, classes))
        elif name == "li":
            if closing:
                if not depth or len(open_items) != depth:
                    raise _Unexpected("item closed out of order")
                open_items.pop()
                out.append("</li>")
                continue
            if not depth or len(open_items) >= depth:
                raise _Unexpected("item outside a list")
            open_items.append(len(out))
            if depth == 1:
                title_items.append(len(out))
            elif depth == 2:
                has_h2.add(open_items[0])
            out.append(_start_tag("li", attributes, f"toc-h{depth} nav-item toc-entry"))
            first_link_due = True
        elif name == "a" and first_link_due:
            first_link_due = False
            out.append(_start_tag("a", attributes, "nav-link"))
        elif closing:
            out.append(f"</{name}>")
        elif self_closing or name in VOID:
            out.append(_start_tag(name, attributes)[:-1] + "/>")
        else:
            out.append(_start_tag(name, attributes))
    out.append(_text(toc[position:]))
    if depth or open_items or top_lists != 1 or first_link_due:
        raise _Unexpected("unbalanced")
    if len(title_items) != 1:
        return "".join(out)
    title = title_items[0]
    if title not in has_h2:
        return ""
    start = nested[title]
    # The title's nested list, up to its end tag.
    level, end = 0, start
    for end in range(start, len(out)):
        if out[end].startswith("<ul"):
            level += 1
        elif out[end] == "</ul>":
            level -= 1
            if not level:
                break
    return "".join(out[start:end + 1])


def toc_html_function(context: dict, theme_function):
    """The page's ``generate_toc_html``: made as a string when it can be, else the theme's."""
    @cache
    def generate_toc_html(kind: str = "html"):
        if kind == "html" and "toc" in context:
            try:
                return Markup(fast_toc_html(context["toc"], context["theme_show_toc_level"]))
            except _Unexpected:
                pass
        return theme_function(kind)

    return generate_toc_html


def _add_toctree_functions(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    toctree.add_toctree_functions(app, pagename, templatename, context, doctree)
    context["generate_toc_html"] = toc_html_function(context, context["generate_toc_html"])


def _install(patches: Patches, app: Sphinx) -> None:
    # The theme may be set up after conf.py's extensions, when the builder is made.
    patches.connect(app, "builder-inited", lambda app: patches.swap_listener(
        app, "html-page-context", toctree.add_toctree_functions, _add_toctree_functions))


SPEEDUP = Speedup("page_toc", {"pydata-sphinx-theme": "0.20.0", "beautifulsoup4": "4.15.0"}, _install)
