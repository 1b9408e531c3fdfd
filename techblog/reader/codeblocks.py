"""Code blocks: a copy button that copies what a reader would type, nothing else.

sphinx-copybutton does it (the ecosystem's choice, kept by the Executable Books
project, used by the theme's own docs; a real ``<button>``, so the keyboard
reaches it, and its scripts are files, so the Content Security Policy holds).

What is left out is chosen by Pygments' classes, not by a prompt pattern: in a
``console``, ``pycon`` or ``ps1con`` block the prompt (``$ ``, ``# ``, ``>>> ``,
``PS> ``) is a Generic.Prompt span (``.gp``) and the output a Generic.Output
span (``.go``), and those are removed before copying.  A pattern cannot tell a
root prompt from a comment: ``# `` as a prompt would turn the comments of a
``bash`` block into the only lines copied.  Line numbers (``.linenos``) are
left out too.  Its files (15 KB) are loaded only by pages with a code block.

A fence written as on Zenn and Qiita, ```` ```js:src/app.js ````, is highlighted
as ``js`` with ``src/app.js`` as its caption (MyST took the whole info string
as the lexer name: a warning, which fails the build, and no highlighting).
The caption is the one ``{code-block}``'s ``:caption:`` makes, so both look
the same.  Pygments ends each output line's span before its line break;
the break is moved inside the span, so a removed output line leaves no empty
line behind (the page looks the same).  Its messages in Japanese:
:mod:`techblog.compat.copybutton_ja`.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from techblog import metadata

EXCLUDED = ".linenos, .gp, .go"


def _configure(app: Sphinx, config) -> None:
    config.copybutton_exclude = EXCLUDED
    config.copybutton_prompt_text = ""  # nothing matched by pattern: see above
    config.copybutton_only_copy_prompt_lines = False


class FileNameFences(SphinxTransform):
    """```` ```lang:path ````: highlight as *lang*, with *path* as the block's caption."""

    default_priority = 150  # before Sphinx reads the language (HighlightLanguageTransform, 400)

    def apply(self, **kwargs) -> None:
        for block in list(self.document.findall(nodes.literal_block)):
            lexer, colon, path = str(block.get("language", "")).partition(":")
            if not colon or not lexer:
                continue
            block["language"] = lexer
            path = path.strip()
            if not path or (isinstance(block.parent, nodes.container) and block.parent.get("literal_block")):
                continue
            caption = nodes.caption(path, path, classes=["tb-file-name"])
            caption.source, caption.line = block.source, block.line
            wrapper = nodes.container("", classes=["literal-block-wrapper"], literal_block=True)
            block.replace_self(wrapper)
            wrapper += [caption, block]


# What the copy button loads (sphinx-copybutton's and ours), left off pages without a code block.
COPY_BUTTON_FILES = ("clipboard.min.js", "copybutton.js", "techblog-copybutton-ja.js", "copybutton.css")


def _named(asset) -> str:
    return str(getattr(asset, "filename", asset) or "").rsplit("/", 1)[-1]


def _copy_button_only_where_code_is(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if 'class="highlight' in context.get("body", ""):
        return
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if _named(asset) not in COPY_BUTTON_FILES]


_OUTPUT_LINE = re.compile(r'(<span class="go">[^<]*)</span>\n')


def _output_lines_with_their_breaks(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body")
    if body and '<span class="go">' in body:
        context["body"] = _OUTPUT_LINE.sub("\\1\n</span>", body)


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx_copybutton")
    # Before sphinx-copybutton puts its settings in the page context (config-inited, 500).
    app.connect("config-inited", _configure, priority=400)
    app.setup_extension("techblog.compat.copybutton_ja")
    app.connect("html-page-context", _output_lines_with_their_breaks)
    app.add_transform(FileNameFences)
    app.connect("html-page-context", _copy_button_only_where_code_is)
    return metadata()
