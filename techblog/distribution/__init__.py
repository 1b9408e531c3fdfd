"""How posts travel: Atom feeds, share images and meta tags, sitemap, robots.txt, 404 and redirects, reproducible output."""

from techblog import setup_modules

MODULES = [
    "techblog.distribution.feeds",
    "techblog.distribution.shareimage",
    "techblog.distribution.social",
    "techblog.distribution.findability",
    "techblog.distribution.reproducible",
]


def setup(app):
    return setup_modules(app, MODULES)
