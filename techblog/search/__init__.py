"""Japanese full-text search: a chunked character-bigram index, loaded only on the search page."""

from techblog import setup_modules

MODULES = [
    "techblog.search.indexer",
]


def setup(app):
    return setup_modules(app, MODULES)
