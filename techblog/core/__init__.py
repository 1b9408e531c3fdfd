"""The build's foundation: site settings from ``techblog_site``, writers' problems, what changed between builds."""

from techblog import metadata

MODULES = [
    "techblog.core.site",
    "techblog.core.problems",
    "techblog.core.staleness",
]


def setup(app):
    for module in MODULES:
        app.setup_extension(module)
    return metadata()
