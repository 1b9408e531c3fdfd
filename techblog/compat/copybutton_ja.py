"""sphinx-copybutton 0.5.2 has no Japanese: its button said "Copy" and "Copied!" on our pages.

Its messages are a constant in ``copybutton.js`` (en, es, de, fr, ru, zh-CN, it),
and the button has no label of its own, only an icon with an English title.
``_static/techblog-copybutton-ja.js``, loaded right after it, adds the Japanese
messages, chooses them, and gives each button a Japanese label.  Remove when
sphinx-copybutton ships Japanese messages and labels its button.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from techblog import metadata

SCRIPT = "techblog-copybutton-ja.js"
PRIORITY = 510  # right after copybutton.js (500): both run before the page is parsed to its end


def _add_script(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.add_js_file(SCRIPT, priority=PRIORITY)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _add_script)
    return metadata()
