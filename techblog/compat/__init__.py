"""Correctness fixes for ablog and Sphinx: the only product code that replaces upstream code.

Each module names the upstream code (and issue, where there is one) it fixes
and when the fix can go.  Replacements go through
:class:`~techblog.compat.patching.Patches`: made when a build starts, undone
when it ends.  Unlike :mod:`techblog.speedups`, these are never switched off:
without them the site is wrong, not slower.
"""

from techblog import setup_modules

MODULES = [
    "techblog.compat.ablog",
    "techblog.compat.doctools_csp",
    "techblog.compat.incremental",
    "techblog.compat.sphinx_search",
    "techblog.compat.theme",
]


def setup(app):
    return setup_modules(app, MODULES)
