"""State that lives for one build: one value per Sphinx application.

Extensions keep what they learn during a build here, never as attributes of
the application: the module that owns a value declares it as a
:class:`PerBuild` and offers functions to read it, and a second application in
the same process (a live preview, the tests) starts from nothing.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from sphinx.application import Sphinx

T = TypeVar("T")
_UNSET = object()


class PerBuild(Generic[T]):
    """A value per Sphinx application, made by *factory* on first use."""

    def __init__(self, factory: Callable[[], T] | None = None) -> None:
        self._factory = factory
        self._values: weakref.WeakKeyDictionary[Sphinx, T] = weakref.WeakKeyDictionary()

    def __call__(self, app: Sphinx) -> T:
        if app not in self._values:
            if self._factory is None:
                raise LookupError("no value for this build yet")
            self._values[app] = self._factory()
        return self._values[app]

    def get(self, app: Sphinx, default=None):
        return self._values.get(app, default)

    def set(self, app: Sphinx, value: T) -> T:
        self._values[app] = value
        return value

    def pop(self, app: Sphinx, default=None):
        return self._values.pop(app, default)
