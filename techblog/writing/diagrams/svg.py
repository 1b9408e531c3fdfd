"""SVG made fit for a page: its own ids, no ``<style>`` element (the page's policy allows none), a name for readers."""

from __future__ import annotations

import hashlib
import re

_ID = re.compile(r'\bid="([^"]+)"')


def prefix_ids(svg: str, prefix: str) -> str:
    """Every id of *svg* and every reference to one, prefixed: Graphviz names each drawing's parts alike."""
    ids = set(_ID.findall(svg))
    if not ids:
        return svg
    names = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    svg = re.sub(rf'\bid="({names})"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    return re.sub(rf'(url\(#|href="#)({names})([)"])', lambda m: f"{m.group(1)}{prefix}-{m.group(2)}{m.group(3)}", svg)


def split_style(svg: str, svg_id: str) -> tuple[str, str, str]:
    """``(svg, css, class)``: Mermaid's ``<style>`` taken out, its rules scoped by a class named after their hash.

    Mermaid scopes the rules by the SVG's id; as a class they are the same for
    every diagram of one kind and theme, so pages share a few small files.
    """
    found = re.search(r"<style>(.*?)</style>", svg, re.S)
    if not found:
        return svg, "", ""
    css = re.sub(rf"#{re.escape(svg_id)}(?![\w-])", ".__scope__", found.group(1))
    name = "tbd-css-" + hashlib.sha256(css.encode()).hexdigest()[:12]
    svg = svg.replace(found.group(0), "", 1)
    return _with_class(svg, name), css.replace("__scope__", name), name


def _with_class(svg: str, name: str) -> str:
    start = svg.index("<svg")
    end = svg.index(">", start)
    root = svg[start:end]
    if re.search(r'\sclass="', root):
        root = re.sub(r'\sclass="([^"]*)"', lambda m: f' class="{m.group(1)} {name}"', root, count=1)
    else:
        root += f' class="{name}"'
    return svg[:start] + root + svg[end:]


def label_text(svg: str) -> list[str]:
    """The text of each ``<text>`` element, in order (tspans joined)."""
    import html

    return [html.unescape(re.sub(r"<[^>]+>", "", t)).strip() for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)]


def named(svg: str, name: str, classes: str) -> str:
    """The root element as an image named *name* (Mermaid's own accTitle, when written, is kept), with *classes*."""
    root_end = svg.index(">", svg.index("<svg"))
    root = svg[:root_end]
    root = re.sub(r'\s(?:role|aria-roledescription)="[^"]*"', "", root) if "aria-labelledby" not in root else root
    if "aria-labelledby" not in root:
        root += f' role="img" aria-label="{_attribute(name)}"'
    return _with_class(root + svg[root_end:], classes)


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
