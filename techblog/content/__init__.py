"""What writers write and edit: registries (``data/*.yml``), front matter, the post catalog, Japan time."""

from techblog import metadata

MODULES = [
    "techblog.content.registries",
    "techblog.content.posts",
]


def setup(app):
    for module in MODULES:
        app.setup_extension(module)
    return metadata()
