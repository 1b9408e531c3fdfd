"""A diagram in the page: inline SVG (its text is the page's, searchable and selectable), one per mode.

A Mermaid diagram has a light and a dark drawing, and the stylesheet shows the
one of the reader's mode; a Graphviz one draws in ``currentColor`` and serves
both.  Mermaid's rules go to small shared files under
``_static/techblog-diagrams/``, linked only from pages with a diagram.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from . import drawing, svg

STATIC = "techblog-diagrams"


def visit_html(self, node) -> None:
    found = drawing.load(self.builder.doctreedir, node["key"]) or {}
    if not found.get("svgs"):  # reported after reading: the build fails; the source stands in
        self.body.append(f'<pre class="tb-diagram-source">{self.encode(node["source"])}</pre>')
        raise nodes.SkipNode
    name = node["alt"] or node["caption"] or "図: " + "、".join(t for t in found.get("labels", []) if t)[:200]
    kind = node["kind"]
    self.body.append(f'<figure class="tb-diagram tb-diagram-{kind}"{_ids(node)}>')
    for mode, image in found["svgs"].items():
        self.body.append(svg.named(image, name, f"tb-diagram-{mode}"))
    if node["caption"]:
        self.body.append(f'<figcaption>{self.encode(node["caption"])}</figcaption>')
    self.body.append("</figure>\n")
    raise nodes.SkipNode


def _ids(node) -> str:
    return f' id="{node["ids"][0]}"' if node.get("ids") else ""


def skip(self, node) -> None:
    raise nodes.SkipNode


def stylesheets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The page's diagram rules, written once to the output and linked from the page."""
    if doctree is None or not drawing.diagrams_of(app.env, pagename):
        return
    app.add_css_file("techblog-diagrams.css")
    out = Path(app.outdir) / "_static" / STATIC
    for d in drawing.diagrams_of(app.env, pagename):
        for name, rules in ((drawing.load(app.doctreedir, d["key"]) or {}).get("css") or {}).items():
            file = out / f"{name}.css"
            if not file.is_file():
                drawing.write_atomically(file, rules)
            app.add_css_file(f"{STATIC}/{name}.css")


def remove_unused(app: Sphinx, exception) -> None:
    out = Path(app.outdir) / "_static" / STATIC
    if exception or not out.is_dir():
        return
    used = drawing.stylesheets_used.pop(app) or set()
    for file in out.glob("*.css"):
        if file.stem not in used:
            file.unlink()
