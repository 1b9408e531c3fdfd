"""Docutils settings made once per build instead of once or twice per document.

Docutils builds its settings with an ``OptionParser`` (every option of every
component, and the config files read from disk); at 1,000 posts that was about
10 % of a clean build:

- Sphinx 9.0 makes a new parser for every document it reads
  (``sphinx.util.docutils._parse_str_to_doctree``);
- myst-parser 5.2 makes a throwaway document, settings included, for every
  document: ``options.get("document", make_document())`` evaluates its
  default even when Sphinx passes the document
  (``myst_parser/mdit_to_docutils/base.py``).

- ``docutils.utils.new_document`` without settings, which ablog calls for
  every feed entry it renders (``Post.to_html``), builds the default settings
  through a new parser each time (0.3 s at 1,000 posts).

Here the parser is kept and only ``get_default_values()`` runs per document, as
before: each document still gets its own ``Values`` (and its own dependency
list).  A parser is reused only for the same components and the very same
default values.
"""

from __future__ import annotations

import warnings

import docutils.frontend as docutils_frontend
import myst_parser.mdit_to_docutils.base as myst_base
import sphinx.util.docutils as sphinx_docutils
from docutils.frontend import OptionParser
from docutils.utils import new_document
from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.speedups.layer import Speedup


def _component_key(component) -> type:
    return component if isinstance(component, type) else type(component)


def cached_get_settings(original):
    parsers: dict[tuple, tuple[dict, OptionParser]] = {}

    def get_settings(*components, defaults, read_config_files: bool = False):
        key = (tuple(_component_key(c) for c in components), read_config_files, tuple(defaults))
        cached = parsers.get(key)
        if cached is None or any(cached[0].get(k) is not v for k, v in defaults.items()):
            with warnings.catch_warnings(action="ignore", category=DeprecationWarning):
                parser = OptionParser(components=components, defaults=defaults, read_config_files=read_config_files)
            parsers[key] = cached = (dict(defaults), parser)
        return cached[1].get_default_values()

    return get_settings


# Parsers with only default settings, by their component classes (no config files read).
_default_parsers: dict[tuple, OptionParser] = {}


def _default_values(components: tuple):
    parser = _default_parsers.get(components)
    if parser is None:
        with warnings.catch_warnings(action="ignore", category=DeprecationWarning):
            parser = _default_parsers[components] = OptionParser(components)
    return parser.get_default_values()


def cached_make_document(original):
    def make_document(source_path="notset", parser_cls=myst_base.RSTParser):
        return new_document(source_path, settings=_default_values((parser_cls,)))

    return make_document


def cached_default_settings(original):
    def get_default_settings(*components):
        if not all(isinstance(c, type) for c in components):  # an instance may carry its own settings_spec
            return original(*components)
        return _default_values(components)

    return get_default_settings


def _install(patches: Patches, app: Sphinx) -> None:
    _default_parsers.clear()
    patches.replace(sphinx_docutils, "_get_settings", cached_get_settings)
    patches.replace(docutils_frontend, "get_default_settings", cached_default_settings)
    patches.replace(myst_base, "make_document", cached_make_document)


SPEEDUP = Speedup("docutils_settings", {"sphinx": "9.0.4", "docutils": "0.22.4", "myst-parser": "5.2.0"}, _install)
