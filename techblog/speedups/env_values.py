"""Per-page tables of the environment kept pickled, page by page, until a page's entry is read.

Every build loads the pickled environment, and every build that read a page
writes it back whole.  At 5,000 posts the tables of doctree nodes Sphinx keeps
per page (each page's table of contents and its titles) were half of the time
spent loading it (0.5 s of 0.95 s) and most of the time spent writing it,
although a build uses the entries of only the pages it writes and of the pages
their navigation names.

Here each of these tables is a :class:`PickledValues`: a mapping whose
entries are pickled one by one when the environment is, and unpickled one by
one when first read.  An entry never read in a build is written back as the
same bytes it was loaded from.  Entries are independent copies after a round
trip (a page's title and long title, the same node in one build, are two equal
nodes in the next): nothing in Sphinx changes one through the other.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, MutableMapping

from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.speedups.layer import Speedup

#: the environment's tables of doctree nodes by page (Sphinx's TocTreeCollector and TitleCollector)
TABLES = ("tocs", "titles", "longtitles")


class PickledValues(MutableMapping):
    """A dict whose values stay pickled until read; iteration keeps insertion order, as a dict's."""

    __slots__ = ("_data", "_pending")

    def __init__(self, values: dict | None = None):
        self._data: dict = dict(values or {})
        self._pending: set = set()  # keys whose value in _data is still its pickle

    @classmethod
    def _restore(cls, pickled: dict[str, bytes]) -> PickledValues:
        table = cls()
        table._data = pickled
        table._pending = set(pickled)
        return table

    def __reduce__(self):
        pending = self._pending
        pickled = {key: value if key in pending else pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
                   for key, value in self._data.items()}
        return PickledValues._restore, (pickled,)

    def __getitem__(self, key):
        value = self._data[key]
        if key in self._pending:
            value = self._data[key] = pickle.loads(value)
            self._pending.discard(key)
        return value

    def __setitem__(self, key, value) -> None:
        self._data[key] = value
        self._pending.discard(key)

    def __delitem__(self, key) -> None:
        del self._data[key]
        self._pending.discard(key)

    def __contains__(self, key) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"<PickledValues: {len(self._data)} entries, {len(self._pending)} still pickled>"


def _keep_tables_pickled(app: Sphinx, env) -> None:
    """After reading (the environment is pickled next): each table a PickledValues, if not one already."""
    for name in TABLES:
        table = getattr(env, name, None)
        if type(table) is dict:
            setattr(env, name, PickledValues(table))


def _install(patches: Patches, app: Sphinx) -> None:
    patches.connect(app, "env-updated", _keep_tables_pickled)


SPEEDUP = Speedup("env_values_pickled", {"sphinx": "9.0.4"}, _install)
