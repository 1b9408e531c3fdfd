"""Pages that show their text sooner on a phone: fewer render-blocking bytes and requests.

Measured with Lighthouse (mobile) through ``make bench BENCHOPTS=--lighthouse``:

- Sphinx and the book theme load doctools.js, sphinx_highlight.js,
  translations.js and sphinx-book-theme.js as blocking scripts in ``<head>``;
  none of them draws anything before the page is shown, so they are deferred
  (they still run in the same order, before ``DOMContentLoaded``).
  documentation_options.js stays as it is: inline scripts in the page use it.
- pydata-sphinx-theme's stylesheet carries Font Awesome's glyph table, about
  2,000 ``.fa-<name>{--fa:"\\f..."}`` rules (66 KB, 19 KB compressed) that every
  page must download before it is drawn.  This site draws its icons with CSS
  masks (``_static/techblog-icons.css``) and never uses the glyphs, so the
  rules are removed from the copy in the output.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.builders.html._assets import _JavaScript

from techblog import metadata

DEFERRED = {"doctools.js", "sphinx_highlight.js", "translations.js", "sphinx-book-theme.js"}
THEME_CSS = Path("_static", "styles", "pydata-sphinx-theme.css")
GLYPH_RULE = re.compile(r"(?:\.fa-[a-z0-9-]+,?)+\{--fa:[^}]*\}")


def _defer(script):
    name = Path(str(script.filename).split("?", 1)[0]).name if isinstance(script, _JavaScript) else ""
    if name not in DEFERRED or script.attributes.get("defer") or script.attributes.get("async"):
        return script
    return _JavaScript(script.filename, priority=script.priority, **{**script.attributes, "defer": "defer"})


def _defer_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = [_defer(script) for script in context["script_files"]]


def _drop_glyph_rules(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    css = Path(app.builder.outdir) / THEME_CSS
    if not css.is_file():
        return
    text = css.read_text(encoding="utf-8")
    trimmed = GLYPH_RULE.sub("", text)
    if trimmed != text:
        css.write_text(trimmed, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    # After the themes have put their scripts in the context (priority 500).
    app.connect("html-page-context", _defer_scripts, priority=950)
    app.connect("build-finished", _drop_glyph_rules)
    return metadata()
