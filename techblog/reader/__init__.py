"""The pages readers see: home, post header and footer, listings and series pages, reading time, related posts, light pages, code blocks' copy button."""

from techblog import setup_modules

MODULES = [
    "techblog.reader.listings",
    "techblog.reader.pages",
    "techblog.reader.reading",
    "techblog.reader.lightpages",
    "techblog.reader.codeblocks",
]


def setup(app):
    return setup_modules(app, MODULES)
