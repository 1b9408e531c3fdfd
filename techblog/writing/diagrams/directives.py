"""```` ```mermaid ````, ```` ```dot ```` and ```` ```graphviz ```` fences (and the ``{mermaid}``/``{graphviz}`` directives): a diagram node.

The node keeps the source and where it is; :mod:`.drawing` makes the SVG
after reading, :mod:`.html` writes it.  What follows the fence's name is the
caption (```` ```mermaid 障害時の切り替え ````), as is ``:caption:``; ``:alt:``
names the image for screen readers (by default the caption, else its labels).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from techblog.core import docstore

from . import graphviz, mermaid, renderers

DIAGRAMS = "techblog_diagrams"  # env: docname -> [Diagram fields as a dict]
FENCES = {"mermaid": "mermaid", "dot": "graphviz", "graphviz": "graphviz"}


class diagram(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    pass


def key(kind: str, source: str) -> str:
    """The diagram's name in the drawing cache: its kind, its renderer's version and its source."""
    version = renderers.MERMAID["version"] if kind == "mermaid" else "graphviz-pure"
    salt = f"{kind}\0{version}\0{mermaid.FONTS if kind == 'mermaid' else graphviz.FONTS}\0"
    return hashlib.sha256((salt + source).encode()).hexdigest()[:16]


class Diagram(SphinxDirective):
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = {"caption": directives.unchanged, "alt": directives.unchanged, "name": directives.unchanged}
    kind = ""

    def run(self) -> list[nodes.Node]:
        source = "\n".join(self.content) + "\n"
        caption = self.options.get("caption") or (self.arguments[0] if self.arguments else "")
        node = diagram("", kind=self.kind, source=source, key=key(self.kind, source), caption=caption,
                       alt=self.options.get("alt", ""))
        self.set_source_info(node)
        self.add_name(node)
        first_line = self.lineno + 1 + self.content_offset  # of the source in the file (MyST counts from the fence)
        path = Path(self.env.doc2path(self.env.docname)).relative_to(self.env.srcdir).as_posix()
        docstore.of(self.env, DIAGRAMS).setdefault(self.env.docname, []).append(
            {"kind": self.kind, "key": node["key"], "source": source, "path": path, "line": first_line,
             "lines": len(self.content)})
        return [node]


class Mermaid(Diagram):
    kind = "mermaid"


class Graphviz(Diagram):
    kind = "graphviz"


def register(app) -> None:
    app.add_directive("mermaid", Mermaid)
    app.add_directive("graphviz", Graphviz)
    app.add_directive("dot", Graphviz)
    docstore.keep_per_document(app, DIAGRAMS)
    app.connect("config-inited", _fences_as_directives, priority=400)


def _fences_as_directives(app, config) -> None:
    config.myst_fence_as_directive = sorted(set(config.myst_fence_as_directive) | set(FENCES))
