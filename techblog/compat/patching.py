"""Replacements of other packages' code, made for one build and undone when it ends.

Only :mod:`techblog.compat` (correctness fixes) and :mod:`techblog.speedups`
(speed) replace code that is not theirs, and both do it through a
:class:`Patches`: every replacement keeps the original, and ``undo()`` puts
every original back, in reverse order, when the build ends.  Two builds in one
process (a live preview, the tests) therefore never see each other's
replacements, and nothing is replaced merely by importing a module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sphinx.application import Sphinx

from techblog.core.perbuild import PerBuild

_MISSING = object()


class Patches:
    """The replacements of one build, with what undoes each."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], None]] = []

    def replace(self, owner: Any, name: str, make: Callable[[Any], Any]) -> Any:
        """Set ``owner.name`` to ``make(original)``; return the original."""
        original = getattr(owner, name)
        own = vars(owner).get(name, _MISSING)  # the raw attribute (a staticmethod stays one), or inherited

        def undo() -> None:
            if own is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, own)

        setattr(owner, name, make(original))
        self._undo.append(undo)
        return original

    def connect(self, app: Sphinx, event: str, handler: Callable, priority: int = 500) -> None:
        """``app.connect`` for this build only."""
        listener_id = app.connect(event, handler, priority=priority)
        self._undo.append(lambda: app.disconnect(listener_id))

    def swap_listener(self, app: Sphinx, event: str, old: Callable, new: Callable) -> bool:
        """Put *new* in the place of *old* among *event*'s listeners: same priority, same order.

        Returns whether *old* was listening (a theme that is not set up has no listeners).
        """
        listeners = app.events.listeners[event]
        swapped = False
        for index, listener in enumerate(listeners):
            if listener.handler is old:
                listeners[index] = listener._replace(handler=new)
                swapped = True
        if swapped:
            self._undo.append(lambda: self._swap_back(listeners, new, old))
        return swapped

    @staticmethod
    def _swap_back(listeners: list, new: Callable, old: Callable) -> None:
        for index, listener in enumerate(listeners):
            if listener.handler is new:
                listeners[index] = listener._replace(handler=old)

    def replace_listener(self, app: Sphinx, event: str, old: Callable, new: Callable) -> bool:
        """Disconnect *old* from *event* and connect *new* at its priority; returns whether *old* listened."""
        replaced = False
        for listener in list(app.events.listeners[event]):
            if listener.handler is old:
                app.disconnect(listener.id)
                new_id = app.connect(event, new, priority=listener.priority)
                self._undo.append(lambda p=listener.priority, n=new_id: (app.disconnect(n), app.connect(event, old, priority=p)))
                replaced = True
        return replaced

    def on_undo(self, action: Callable[[], None]) -> None:
        """Run *action* when the build ends (for a replacement made some other way)."""
        self._undo.append(action)

    def undo(self) -> None:
        while self._undo:
            self._undo.pop()()


_of_build: PerBuild[Patches] = PerBuild()


def for_build(app: Sphinx) -> Patches:
    """The replacements of *app*'s build, undone when it finishes (or when the next build starts,
    if this one raised before Sphinx's ``build-finished``)."""
    patches = _of_build.get(app)
    if patches is None:
        for other in list(_of_build._values):
            _of_build.pop(other).undo()
        patches = _of_build.set(app, Patches())
        app.connect("build-finished", _undo, priority=10_000)
    return patches


def _undo(app: Sphinx, exception) -> None:
    patches = _of_build.pop(app)
    if patches is not None:
        patches.undo()
