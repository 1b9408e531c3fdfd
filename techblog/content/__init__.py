"""What writers write and edit: registries (``data/*.yml``), front matter, the post catalog, Japan time."""

from techblog import setup_modules

MODULES = [
    "techblog.content.registries",
    "techblog.content.posts",
]


def setup(app):
    return setup_modules(app, MODULES)
