"""Writer text stays text where the theme puts it in the page unescaped.

sphinx-book-theme 1.4.0 (since its PR #126; no upstream issue found) sets ``pagetitle`` to the plain text of the page's first
heading and writes it as ``<h1>{{ pagetitle }}</h1>`` (print-only header, in
layout.html), so a title such as ``<img src=x onerror=...>``, or a heading with
``<script>`` in inline code, becomes markup on every page.  It is escaped here,
after the theme has set it.
"""

from __future__ import annotations

from markupsafe import Markup, escape
from sphinx.application import Sphinx


def _escape_pagetitle(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    title = context.get("pagetitle")
    if isinstance(title, str) and not isinstance(title, Markup):
        context["pagetitle"] = escape(title)


def register(app: Sphinx) -> None:
    app.connect("html-page-context", _escape_pagetitle, priority=900)
