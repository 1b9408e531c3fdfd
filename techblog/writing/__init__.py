"""Writers' tools beyond plain Markdown: diagrams and link cards, with nothing loaded from other sites."""

from techblog import setup_modules

MODULES = [
    "techblog.writing.diffs",
    "techblog.writing.diagrams",
    "techblog.writing.linkcards.cards",
]


def setup(app):
    return setup_modules(app, MODULES)
