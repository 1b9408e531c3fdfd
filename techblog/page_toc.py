"""The in-page table of contents ("on this page") without a CSS selector engine.

pydata-sphinx-theme 0.20's ``generate_toc_html`` finds the page title's entry
with ``soup.select(".toc-h1")`` and ``title.select(".toc-h2")``.  Those two
calls import soupsieve and compile its selector grammar (0.2 s in a rebuild that
writes a page; see ``lazy_imports``) and then match selectors on every page.
This is the same function with ``find_all``/``find`` by class, which BeautifulSoup
does itself.  ``tests/test_speed.py`` checks it returns exactly what the theme's
does.

The theme connects ``add_toctree_functions`` and then ``set_secondary_sidebar_items``
(which already calls ``generate_toc_html``) to ``html-page-context`` at the same
priority, so the function is swapped inside that listener, in its place in the
queue.
"""

from __future__ import annotations

from functools import cache

from bs4 import BeautifulSoup
from pydata_sphinx_theme import toctree
from sphinx.application import Sphinx


def toc_html_function(context: dict):
    @cache
    def generate_toc_html(kind: str = "html"):
        if "toc" not in context:
            return ""

        soup = BeautifulSoup(context["toc"], "html.parser")

        def add_header_level_recursive(ul, level):
            if ul is None:
                return
            if level <= (context["theme_show_toc_level"] + 1):
                ul["class"] = [*ul.get("class", []), "pst-show_toc_level"]
            for li in ul("li", recursive=False):
                li["class"] = [*li.get("class", []), f"toc-h{level}"]
                add_header_level_recursive(li.find("ul", recursive=False), level + 1)

        add_header_level_recursive(soup.find("ul"), 1)

        for ul in soup("ul"):
            ul["class"] = [*ul.get("class", []), "nav", "section-nav", "flex-column"]

        for li in soup("li"):
            li["class"] = [*li.get("class", []), "nav-item", "toc-entry"]
            if li.find("a"):
                a = li.find("a")
                a["class"] = [*a.get("class", []), "nav-link"]

        h1_headers = soup.find_all(class_="toc-h1")
        if len(h1_headers) == 1:
            title = h1_headers[0]
            out = title.find("ul") if title.find(class_="toc-h2") else ""
        else:
            out = soup
        return out if kind == "html" else soup

    return generate_toc_html


def _add_toctree_functions(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    toctree.add_toctree_functions(app, pagename, templatename, context, doctree)
    context["generate_toc_html"] = toc_html_function(context)


def _swap_theme_listener(app: Sphinx) -> None:
    listeners = app.events.listeners["html-page-context"]
    for index, listener in enumerate(listeners):
        if listener.handler is toctree.add_toctree_functions:
            listeners[index] = listener._replace(handler=_add_toctree_functions)


def setup(app: Sphinx) -> dict:
    # The theme is set up after conf.py's extensions, when the builder is made.
    app.connect("builder-inited", _swap_theme_listener)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
