"""Seams where ablog 0.11 is wrong for this blog, each fixed here and nowhere else.

- Post dates: ablog compares dates with ``TOMORROW``, computed once at import in
  the build machine's local zone, and makes later posts drafts.  Whether a post
  is published is decided by :mod:`techblog.content.posts` in Japan time, so ablog's
  cut-off is lifted (the cut-off's day error is ablog issue #94).  Remove when
  ablog takes "now" and its zone from the configuration.
- Pages of authors, categories and tags: ablog names them by ``slugify(name)``,
  which mangles Japanese (データベース -> テータヘース) and lets パス/バス, C++/C#,
  AWS/aws overwrite each other's page with no warning.  Collections are made here
  from the registries, with their ASCII slugs and Japanese labels.  Remove
  when ablog lets a site give each collection its own slug and label.
- Feeds: ablog writes naive dates in the machine's zone, the build time as the
  feed's ``<updated>``, only the last author, relative links and every post;
  :mod:`techblog.distribution.feeds` writes them instead, so ablog's writer is turned off
  (``blog_feed_templates = {}``).  Stays while any of the four holds for
  ablog's ``generate_atom_feeds``.
- Front matter: ablog's ``CheckFrontMatter`` reads YAML lists as escaped JSON
  (ablog issue #244 and myst-parser's ``dict_to_fm_field_list``); posts are
  recognised by :mod:`techblog.content.posts` instead and ``blog_post_pattern`` stays empty.
  Remove when ablog reads front matter lists as lists.
- Shared state: ablog keeps everything it knows in one class-level dict
  (``ablog.blog.Blog._dict``), filled by the first application that asks, so
  a second build in the same process (a live preview, the tests) saw the first
  one's posts.  It is emptied when each build reads its configuration.
  Remove when ablog keeps its state per application.

The replacements are made for each build and undone when it ends
(:func:`techblog.compat.patching.for_build`).
"""

from __future__ import annotations

from datetime import datetime

import ablog.blog
import ablog.post
from ablog.blog import Blog, Collection
from sphinx.application import Sphinx

from techblog import metadata
from techblog.compat.patching import for_build
from techblog.content import posts, registries
from techblog.core import staleness
from techblog.reader import listings


def collection_paths(app: Sphinx) -> dict[str, str]:
    """URL paths (without .html) of the pages ablog makes for each catalog."""
    base = app.config.blog_path
    return {"author": f"{base}/author", "category": f"{base}/category", "tags": f"{base}/tag", "series": f"{base}/series"}


def _install_collections(app: Sphinx) -> None:
    blog = Blog(app)
    regs = registries.of(app)
    paths = collection_paths(app)
    for catalog_name, registry in (("author", regs.authors), ("category", regs.categories), ("tags", regs.tags)):
        catalog = blog.catalogs[catalog_name]
        for entry in registry:
            auto_xref = catalog.xref + "-" + ablog.blog.slugify(entry.id)
            collection = Collection(catalog, entry.id, name=entry.label, path=f"{paths[catalog_name]}/{entry.slug}")
            if blog.references.get(auto_xref, (None,))[0] == collection.docname:
                del blog.references[auto_xref]
            collection.xref = f"{catalog.xref}-{entry.slug}"
            collection.entry = entry
            blog.references[collection.xref] = (collection.docname, collection.name)
            catalog[entry.id] = collection


def _turn_off_ablog_feeds(app: Sphinx, config) -> None:
    config.blog_feed_templates = {}
    config.blog_feed_archives = False


def _archive_pages_without_drafts(app: Sphinx):
    """ablog always writes ``blog/drafts.html``; production must show no trace of drafts.

    Each listing is cut into pages (:mod:`techblog.reader.listings`), and every
    page made is noted, so that a page a listing no longer has is deleted
    (:mod:`techblog.core.staleness`).  The event ``techblog-archive-pages`` may
    leave out pages whose file is already this build's
    (:mod:`techblog.speedups.collection_pages`).
    """
    preview = posts.of(app).preview
    pages = [page for page in ablog.post.generate_archive_pages(app)
             if preview or page[0] != Blog(app).drafts.docname]
    pages = listings.paginate(app, pages)
    staleness.note_generated(app, [page[0] for page in pages])
    kept = app.emit_firstresult("techblog-archive-pages", pages)
    yield from (pages if kept is None else kept)


def _fresh_state(app: Sphinx, config) -> None:
    Blog._dict.clear()  # in place: every Blog shares this very dict


def _install(app: Sphinx, config) -> None:
    patches = for_build(app)
    # ablog's cut-off for drafts, computed at import in the machine's zone (techblog.content.posts decides).
    patches.replace(ablog.blog, "TOMORROW", lambda original: datetime.max)
    patches.replace_listener(app, "html-collect-pages", ablog.post.generate_archive_pages, _archive_pages_without_drafts)


def setup(app: Sphinx) -> dict:
    app.setup_extension("ablog")
    app.setup_extension("techblog.content.posts")
    app.setup_extension("techblog.core.staleness")
    app.setup_extension("techblog.reader.listings")
    app.add_event("techblog-archive-pages")
    app.connect("config-inited", _fresh_state, priority=0)
    app.connect("config-inited", _turn_off_ablog_feeds)
    app.connect("config-inited", _install)
    app.connect("builder-inited", _install_collections)
    return metadata()
