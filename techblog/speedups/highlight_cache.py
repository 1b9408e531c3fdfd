"""Code highlighting without looking up Pygments' lexer and formatter again for every block.

Sphinx 9.0 (``sphinx.highlighting.PygmentsBridge``) calls Pygments'
``get_lexer_by_name`` for every code block, which searches the table of all
lexers (and the installed plugins when the name is not built in), and makes a
new ``HtmlFormatter``, stylesheet tables included, for every block: about 4 s
of a 1,000-post build.  Here the lexer class found for a name is kept (each
block still gets its own lexer object, since Sphinx adds a filter to it) and a
formatter is reused for the same options (formatting keeps no state).
"""

from __future__ import annotations

from functools import cache

import pygments.lexers
import sphinx.highlighting as sphinx_highlighting
from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.speedups.layer import Speedup


@cache
def _lexer_class(alias: str) -> type:
    return type(pygments.lexers.get_lexer_by_name(alias))


def get_lexer_by_name(alias: str, **options):
    return _lexer_class(alias)(**options)


def cached_get_formatter(original):
    formatters: dict[tuple, object] = {}

    def get_formatter(self, **kwargs):
        key = (id(self), repr(sorted({**kwargs, **self.formatter_args}.items())))
        if key not in formatters:
            formatters[key] = original(self, **kwargs)
        return formatters[key]

    return get_formatter


def _install(patches: Patches, app: Sphinx) -> None:
    patches.replace(sphinx_highlighting, "get_lexer_by_name", lambda original: get_lexer_by_name)
    patches.replace(sphinx_highlighting.PygmentsBridge, "get_formatter", cached_get_formatter)


SPEEDUP = Speedup("highlight_cache", {"sphinx": "9.0.4", "pygments": "2.21.0"}, _install)
