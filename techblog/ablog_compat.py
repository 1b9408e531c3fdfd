"""Seams where ablog 0.11 is wrong for this blog, each fixed here and nowhere else.

- Post dates: ablog compares dates with ``TOMORROW``, computed once at import in
  the build machine's local zone, and makes later posts drafts.  Whether a post
  is published is decided by :mod:`techblog.posts` in Japan time, so ablog's
  cut-off is lifted.
- Pages of authors, categories and tags: ablog names them by ``slugify(name)``,
  which mangles Japanese (データベース -> テータヘース) and lets パス/バス, C++/C#,
  AWS/aws overwrite each other's page with no warning.  Collections are made here
  from the registries, with their ASCII slugs and Japanese labels.
- Feeds: ablog writes naive dates in the machine's zone, the build time as the
  feed's ``<updated>``, only the last author, relative links and every post;
  :mod:`techblog.feeds` writes them instead, so ablog's writer is turned off
  (``blog_feed_templates = {}``).
- Front matter: ablog's ``CheckFrontMatter`` reads YAML lists as escaped JSON
  (ablog issue #244 and myst-parser's ``dict_to_fm_field_list``); posts are
  recognised by :mod:`techblog.posts` instead and ``blog_post_pattern`` stays empty.
- ablog's ``CheckFrontMatter`` walks every page to find its docinfo and reads
  all its fields, only to find no ``blogpost`` field and a page outside the
  (empty) ``blog_post_pattern``: 0.15 s at 1,000 posts.  That answer is now
  found from the first docinfo alone; a page it could make a post still goes
  through ablog's transform.
- Reading post dates: ablog tries ``post_date_format`` (a display format here)
  and then dateutil's parser, 0.2 ms a post in pure Python.  The dates
  :mod:`techblog.posts` gives it are ISO 8601, read by ``datetime.fromisoformat``
  first; anything else still goes to dateutil.
"""

from __future__ import annotations

from datetime import datetime

import ablog.blog
import ablog.post
from ablog.blog import Blog, Collection
from docutils import nodes
from sphinx.application import Sphinx

from . import posts, registries
from .seams import wrap_once

ablog.blog.TOMORROW = datetime.max


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
    """ablog always writes ``blog/drafts.html``; production must show no trace of drafts."""
    preview = posts.of(app).preview
    for page in ablog.post.generate_archive_pages(app):
        if preview or page[0] != Blog(app).drafts.docname:
            yield page


def _iso_dates_first(parse):
    def date_parser(text, *args, **kwargs):
        try:
            return datetime.fromisoformat(text)
        except (TypeError, ValueError):
            return parse(text, *args, **kwargs)
    return date_parser


def _front_matter_check_when_it_can_apply(apply):
    def check(self, **kwargs):
        # What ablog's apply tests before it returns None: a docinfo, and in it a field
        # named "blogpost" or a page matched by blog_post_pattern.
        docinfo = next(self.document.findall(nodes.docinfo), None)
        if docinfo is None:
            return None
        if (self.env.docname not in self.config.matched_blog_posts
                and not any(field.children[0].astext() == "blogpost" for field in docinfo.findall(nodes.field))):
            return None
        return apply(self, **kwargs)

    return check


def replace_listener(app: Sphinx, event: str, old, new) -> None:
    """Put *new* where *old* listened to *event*, at the same priority."""
    for listener in list(app.events.listeners[event]):
        if listener.handler is old:
            app.disconnect(listener.id)
            app.connect(event, new, priority=listener.priority)


def setup(app: Sphinx) -> dict:
    app.setup_extension("ablog")
    app.setup_extension("techblog.posts")
    app.connect("config-inited", _turn_off_ablog_feeds)
    wrap_once(ablog.post, "date_parser", _iso_dates_first)
    wrap_once(ablog.post.CheckFrontMatter, "apply", _front_matter_check_when_it_can_apply)
    app.connect("builder-inited", _install_collections)
    replace_listener(app, "html-collect-pages", ablog.post.generate_archive_pages, _archive_pages_without_drafts)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
