"""MyST's reading of a page's front matter: libyaml, and once instead of twice.

myst-parser 5.2 parses each page's front matter twice with PyYAML's pure-Python
loader (``read_topmatter`` for the page's MyST settings, then
``render_front_matter``): about 3 s of a 1,000-post build.  Here both use the
same loader implemented in C (``yaml.CSafeLoader``: PyYAML's safe constructor
on libyaml's parser, so the values are the same) and the second reading reuses
the first.  Writers' front-matter mistakes are still found and reported by
:mod:`techblog.content.frontmatter`, which has its own loader with line numbers.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from functools import lru_cache

import myst_parser.mdit_to_docutils.base as myst_base
import myst_parser.parsers.sphinx_ as myst_sphinx
import yaml
from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.speedups.layer import Speedup

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=8)
def _load(text: str):
    return yaml.load(text, Loader=LOADER)  # noqa: S506 (a safe loader)


def _copy(value):
    """A copy of what the safe loader makes: nested dicts and lists of immutable scalars, as a rule.

    ``copy.deepcopy`` did the same at four times the cost (0.15 s at 1,000 posts).
    """
    kind = type(value)
    if kind is dict:
        return {key: _copy(item) for key, item in value.items()}
    if kind is list:
        return [_copy(item) for item in value]
    if kind in (str, int, float, bool, type(None), date, datetime):
        return value
    return copy.deepcopy(value)  # a set, bytes, or anything else: as before


def safe_load(text):
    # The callers may change what they get: each gets its own copy.
    return _copy(_load(text)) if isinstance(text, str) else yaml.load(text, Loader=LOADER)  # noqa: S506


class _YamlForMyst:
    """Stands in for the ``yaml`` module inside myst-parser's renderer."""

    def __getattr__(self, name: str):
        return safe_load if name == "safe_load" else getattr(yaml, name)


def cached_read_topmatter(original):
    def read_topmatter(text):
        plain, yaml.safe_load = yaml.safe_load, safe_load  # read_topmatter imports yaml inside itself
        try:
            return original(text)
        finally:
            yaml.safe_load = plain

    return read_topmatter


def _install(patches: Patches, app: Sphinx) -> None:
    patches.replace(myst_base, "yaml", lambda original: _YamlForMyst())
    patches.replace(myst_sphinx, "read_topmatter", cached_read_topmatter)


SPEEDUP = Speedup("frontmatter_yaml", {"myst-parser": "5.2.0", "pyyaml": "6.0.3"}, _install)
