"""Diagrams: ```` ```mermaid ```` and Graphviz fences become SVG at build time; readers load no script.

- :mod:`.directives`: the fences and directives, and the node they make
- :mod:`.drawing`: every diagram drawn after reading, cached, problems reported
- :mod:`.mermaid`, :mod:`.graphviz`: the two renderers; :mod:`.renderers`: where they are
- :mod:`.svg`, :mod:`.html`: the SVG made fit for the page, and written into it
"""

from sphinx.application import Sphinx

from techblog import metadata

from . import directives, drawing, html


def setup(app: Sphinx) -> dict:
    directives.register(app)
    app.add_node(directives.diagram, html=(html.visit_html, None), text=(html.skip, None), latex=(html.skip, None),
                 man=(html.skip, None), texinfo=(html.skip, None))
    app.connect("env-updated", drawing.draw_all)
    # Before other handlers may copy the page's list of stylesheets (techblog.reader.codeblocks).
    app.connect("html-page-context", html.stylesheets, priority=400)
    app.connect("build-finished", html.remove_unused)
    return metadata()
