"""Sphinx's own search index after an incremental build: the same as after a clean one.

Sphinx 9.0's ``IndexBuilder.prune`` empties the document sets of words no page
contains any more but keeps the keys, so ``searchindex.js`` differs from a
clean build's (and grows) after edits.  The site has its own search
(:mod:`techblog.search`) and turns the stock index off for HTML, but other
builders (``dirhtml``, ``singlehtml``) still make it.  Remove when Sphinx drops
empty words itself.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.search import IndexBuilder

from techblog import metadata
from techblog.compat.patching import for_build


def _prune_without_empty_words(prune):
    """Sphinx 9.0's incremental search index keeps words no page contains any more.

    ``IndexBuilder.prune`` empties their document sets but keeps the keys, so
    ``searchindex.js`` differs from a clean build's (and grows) after edits.
    """
    def pruned(self, docnames) -> None:
        prune(self, docnames)
        for mapping in (self._mapping, self._title_mapping):
            for word in [w for w, names in mapping.items() if not names]:
                del mapping[word]
    return pruned


def _install(app: Sphinx, config) -> None:
    for_build(app).replace(IndexBuilder, "prune", _prune_without_empty_words)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _install)
    return metadata()
