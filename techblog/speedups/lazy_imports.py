"""Modules a build may not need, imported on first use instead of at start-up.

pydata-sphinx-theme imports BeautifulSoup, and BeautifulSoup imports soupsieve
(its CSS selector engine) up front; soupsieve compiles its selector grammar
when imported, 0.09 s of every build, although only pages actually written use
it (a rebuild with nothing changed writes none).  A stand-in module is put in
``sys.modules``: the first time one of its names is used, the real module is
imported and its names copied into the stand-in, which holders of the stand-in
then use directly.  (The standard library's ``importlib.util.LazyLoader``
cannot be used: Python 3.11's import statement reads the module's
``__spec__``, which makes it load at once.)  This extension must be loaded
before the theme: :mod:`techblog.speedups` installs it when it is set up, and
conf.py lists that extension first.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.speedups.layer import Speedup

LAZY = ("soupsieve",)


class _StandIn(types.ModuleType):
    def __getattr__(self, attr: str):  # only for names the stand-in lacks: all but __name__, __spec__ (None)...
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        vars(self).update(vars(real))
        return getattr(real, attr)


def _import_lazily(patches: Patches, name: str) -> None:
    if name in sys.modules or importlib.util.find_spec(name) is None:
        return
    stand_in = sys.modules[name] = _StandIn(name)

    def undo() -> None:
        if sys.modules.get(name) is stand_in:  # never used: as if it had never been there
            del sys.modules[name]

    patches.on_undo(undo)


def _install(patches: Patches, app: Sphinx) -> None:
    for name in LAZY:
        _import_lazily(patches, name)


SPEEDUP = Speedup("lazy_imports", {"beautifulsoup4": "4.15.0", "soupsieve": "4.1.3"}, _install)
