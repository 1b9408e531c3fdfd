"""The pages readers see: home, post header and footer, listings and series pages, reading time, related posts, light pages."""

from techblog import metadata

MODULES = [
    "techblog.reader.pages",
    "techblog.reader.reading",
    "techblog.reader.lightpages",
]


def setup(app):
    for module in MODULES:
        app.setup_extension(module)
    return metadata()
