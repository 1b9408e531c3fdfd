"""Writers' tools beyond plain Markdown: diagrams and link cards, with nothing loaded from other sites."""

from techblog import setup_modules

MODULES: list[str] = ["techblog.writing.linkcards.cards"]


def setup(app):
    return setup_modules(app, MODULES)
