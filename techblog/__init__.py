"""Sphinx extensions of the Minato Cloud engineering blog.

One subpackage per concern, each a Sphinx extension whose ``setup()`` sets up
its modules (``docs/tech/architecture.md`` maps them):

- :mod:`techblog.core`: site settings from ``techblog_site``, writers' problems, build inputs and outputs
- :mod:`techblog.content`: registries, front matter, the post catalog, Japan time, new posts
- :mod:`techblog.compat`: correctness fixes of ablog and Sphinx (the only product code that replaces upstream code)
- :mod:`techblog.reader`: the pages readers see (home, post header and footer, listings in pages, reading time, related posts)
- :mod:`techblog.distribution`: feeds, share images and meta tags, sitemap, redirects, reproducible output
- :mod:`techblog.writing`: writers' tools beyond Markdown (diagrams, link cards)
- :mod:`techblog.search`: the Japanese full-text search index
- :mod:`techblog.safety`: the pre-publish check
- :mod:`techblog.speedups`: everything done only for speed, switchable as one (``techblog_speedups``)

Package ``__init__`` files import nothing heavy: worker processes
(``python -m techblog.speedups.search_worker`` and others) import single
modules without Sphinx.
"""

__version__ = "0.2.0"


def metadata(env_version: int = 1) -> dict:
    """What every techblog extension's ``setup()`` returns: this package's version, parallel safe."""
    return {"version": __version__, "env_version": env_version, "parallel_read_safe": True, "parallel_write_safe": True}


def setup_modules(app, modules: list[str]) -> dict:
    """A subpackage's ``setup()``: set up each of its modules, in order."""
    for module in modules:
        app.setup_extension(module)
    return metadata()
