"""A post's card data made when something reads it, not when a listing asks for the card.

A listing page asks :func:`techblog.reader.pages.card` for each post it shows, and adding a
post writes every page of all posts again: the data of 5,000 cards at 5,000 posts (the title
from the environment, dates, authors, tags, reading time; 0.2 s), though
:mod:`techblog.speedups.card_html` keeps the HTML of almost every card and reads only the
post's ``docname`` (and the pages the card links to, which it keeps too).  Here ``card``
gives a card whose fields are made from the same function the first time anything but its
``docname`` is read: then it is the same dict, with its keys in the same order.  A card is
never empty, so testing it (``if card``) reads nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.content import posts
from techblog.reader import pages
from techblog.speedups.layer import Speedup

DOCNAME = "docname"


class LazyCard(pages.Fields):
    """A card that knows its docname and makes its other fields on the first read."""

    __slots__ = ("_make",)

    def __init__(self, docname: str, make: Callable[[], dict]):
        super().__init__(docname=docname)
        self._make: Callable[[], dict] | None = make

    def _made(self) -> LazyCard:
        make = self._make
        if make is not None:
            self._make = None
            dict.update(self, make())
        return self

    def __getitem__(self, key):
        return dict.__getitem__(self if key == DOCNAME else self._made(), key)

    def get(self, key, default=None):
        return dict.get(self if key == DOCNAME else self._made(), key, default)

    def __contains__(self, key) -> bool:
        return key == DOCNAME or dict.__contains__(self._made(), key)

    def __bool__(self) -> bool:
        return True

    def __len__(self) -> int:
        return dict.__len__(self._made())

    def __iter__(self):
        return dict.__iter__(self._made())

    def keys(self):
        return dict.keys(self._made())

    def values(self):
        return dict.values(self._made())

    def items(self):
        return dict.items(self._made())

    def __repr__(self) -> str:
        return dict.__repr__(self._made())

    def __eq__(self, other) -> bool:
        return dict.__eq__(self._made(), other)

    def __ne__(self, other) -> bool:
        return dict.__ne__(self._made(), other)

    __hash__ = None  # type: ignore[assignment]

    def copy(self) -> pages.Fields:
        return pages.Fields(self._made())

    def __reduce__(self):
        return pages.Fields, (dict(self._made()),)

    def __setitem__(self, key, value) -> None:
        dict.__setitem__(self._made(), key, value)

    def __delitem__(self, key) -> None:
        dict.__delitem__(self._made(), key)

    def update(self, *args, **kwargs) -> None:
        dict.update(self._made(), *args, **kwargs)

    def setdefault(self, key, default=None):
        return dict.setdefault(self._made(), key, default)

    def pop(self, key, *default):
        return dict.pop(self._made(), key, *default)

    def popitem(self):
        return dict.popitem(self._made())

    def __or__(self, other):
        return dict(self._made()) | other

    def __ror__(self, other):
        return other | dict(self._made())

    def __ior__(self, other):
        dict.update(self._made(), other)
        return self


def _wrap(card):
    def card_made_on_read(app: Sphinx, docname: str):
        memo = pages._card_memo.get(app)
        if memo is None or docname in memo or docname not in posts.of(app).all:
            return card(app, docname)
        made = memo[docname] = LazyCard(docname, partial(pages._card, app, docname))
        return made
    return card_made_on_read


def _install(patches: Patches, app: Sphinx) -> None:
    patches.replace(pages, "card", _wrap)


# Only our own code is replaced.
SPEEDUP = Speedup("card_data", {}, _install)
