"""How posts travel: Atom feeds, share images and meta tags, sitemap, robots.txt, 404 and redirects, reproducible output."""

from techblog import metadata

MODULES = [
    "techblog.distribution.feeds",
    "techblog.distribution.shareimage",
    "techblog.distribution.social",
    "techblog.distribution.findability",
    "techblog.distribution.reproducible",
]


def setup(app):
    for module in MODULES:
        app.setup_extension(module)
    return metadata()
