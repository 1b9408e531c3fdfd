"""Japanese full-text search: a chunked character-bigram index, loaded only on the search page."""

from techblog import metadata

MODULES = [
    "techblog.search.indexer",
]


def setup(app):
    for module in MODULES:
        app.setup_extension(module)
    return metadata()
