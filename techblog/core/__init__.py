"""The build's foundation: the site's language, site settings from ``techblog_site``, writers' problems, what changed between builds."""

from techblog import setup_modules

MODULES = [
    "techblog.core.language",
    "techblog.core.site",
    "techblog.core.problems",
    "techblog.core.staleness",
]


def setup(app):
    return setup_modules(app, MODULES)
