"""The pages readers see: home, post header and footer, listings and series pages, reading time, related posts, light pages."""

from techblog import setup_modules

MODULES = [
    "techblog.reader.pages",
    "techblog.reader.reading",
    "techblog.reader.lightpages",
]


def setup(app):
    return setup_modules(app, MODULES)
