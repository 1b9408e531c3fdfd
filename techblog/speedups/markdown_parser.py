"""MyST's Markdown parser made once per configuration instead of once per page.

For every page, myst-parser 5.2 (``myst_parser/parsers/sphinx_.py``,
``MystParser.parse``):

- copies its whole configuration and validates every field again
  (``merge_file_level``), even when the page's front matter sets no MyST
  option, which is the case for every post;
- builds a new ``MarkdownIt`` with all its plugins and a new renderer, which
  collects its ``render_*`` methods with ``inspect.getmembers``
  (``create_md_parser``).

Together about 1 s of a clean 1,000-post build.  Here a page whose front
matter has none of the keys ``merge_file_level`` reads gets the global
configuration itself (the merge would only have copied it), and the parser
made for the last configuration is reused while the configuration is the very
same object.  A page with its own MyST options still gets a merged copy and a
parser of its own, and so does a page parsed while another is being rendered.
Reusing a parser is safe because ``MarkdownIt.render`` starts from a new
environment and the renderer resets its per-page state in ``setup_render``.
"""

from __future__ import annotations

import myst_parser.parsers.sphinx_ as myst_sphinx
from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.speedups.layer import Speedup

# The front-matter keys myst-parser's merge_file_level reads.
FILE_LEVEL_KEYS = ("myst", "html_meta", "substitutions")


def merge_only_when_needed(original):
    def merge_file_level(config, topmatter, warning):
        if not any(key in topmatter for key in FILE_LEVEL_KEYS):
            return config
        return original(config, topmatter, warning)

    return merge_file_level


def reuse_parser(original):
    last: list = []  # [config, renderer class, parser]; holding the config keeps its id unique
    busy = [False]

    def create_md_parser(config, renderer):
        # A parse that starts inside another page's render (re-entrant) gets a parser of its own.
        if busy[0]:
            return original(config, renderer)
        if last and last[0] is config and last[1] is renderer:
            return last[2]
        parser = original(config, renderer)
        render = parser.render

        def guarded_render(*args, **kwargs):
            busy[0] = True
            try:
                return render(*args, **kwargs)
            finally:
                busy[0] = False

        parser.render = guarded_render
        last[:] = [config, renderer, parser]
        return parser

    return create_md_parser


def _install(patches: Patches, app: Sphinx) -> None:
    patches.replace(myst_sphinx, "merge_file_level", merge_only_when_needed)
    patches.replace(myst_sphinx, "create_md_parser", reuse_parser)


SPEEDUP = Speedup("markdown_parser", {"myst-parser": "5.2.0", "markdown-it-py": "4.3.0", "mdit-py-plugins": "0.7.0"},
                  _install)
