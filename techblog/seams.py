"""The one way this project replaces a function of Sphinx, docutils, MyST, ablog or the theme.

Where upstream code is slow or wrong, an extension swaps the attribute for a
wrapper of the original (the module that does it says why, and names the
upstream code).  ``wrap_once`` marks the replacement, so that setting up an
extension again (a second Sphinx application in the same process, as in a
live preview) does not wrap the wrapper.  An event handler the theme connects
is swapped in the application's listeners instead (``swap_listener``).  For
one object and one call, ``shadowed`` gives the object its own attribute
over its class's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sphinx.application import Sphinx


def wrap_once(owner: Any, name: str, make: Callable[[Any], Any]) -> None:
    """Set ``owner.name`` to ``make(original)``, unless this was done already."""
    original = getattr(owner, name)
    if getattr(original, "techblog", False):
        return
    replacement = make(original)
    replacement.techblog = True
    setattr(owner, name, replacement)


def swap_listener(app: Sphinx, event: str, old: Callable, new: Callable) -> None:
    """Put *new* in the place of *old* among *event*'s listeners: same priority, same order."""
    listeners = app.events.listeners[event]
    for index, listener in enumerate(listeners):
        if listener.handler is old:
            listeners[index] = listener._replace(handler=new)


@contextmanager
def shadowed(obj: Any, name: str, value: Any) -> Iterator[None]:
    """Set *obj*'s own attribute *name* (over its class's) while the block runs."""
    setattr(obj, name, value)
    try:
        yield
    finally:
        delattr(obj, name)
