"""ablog's listing pages written again only when what they show changed.

ablog writes every listing page (all posts, each tag, category, author and
year, each cut into pages by :mod:`techblog.reader.listings`) on every build.
Each page's key (the listing keys of the posts it shows from
:mod:`techblog.compat.incremental`, its title and scalars) is kept in the
doctree folder; a page whose key is unchanged and whose file is there is left
as it is.  When no post's listing key changed and no post came or went, every
page keeps its key without it being computed again (0.1 s at 5,000 posts).
With the layer off every page is written, to the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.application import Sphinx

from techblog.compat import incremental
from techblog.compat.patching import Patches
from techblog.content import registries
from techblog.core import buildstate
from techblog.core.files import write_if_changed
from techblog.core.perbuild import PerBuild
from techblog.distribution import findability
from techblog.speedups.layer import Speedup

COLLECTIONS = "techblog-collections.json"


def _collection_page_key(context: dict, keys: dict[str, str]) -> str:
    """What one of ablog's pages shows, and its title.

    A page of a listing (``tb_page``, :mod:`techblog.reader.listings`): its own
    posts with their listing keys, its number, the number of pages and the
    listing's total; a listing not cut into pages: all its posts.  An index
    (tags, categories, authors, the archive by year and month): each
    collection's posts with their listing keys (the archive's months and the
    pages they start on follow from the posts' dates).  The registry's
    description of a tag or category, which its pages and the index show.
    """
    shown: list = []
    page = context.get("tb_page")
    if page is not None:
        shown = [(docname, keys.get(docname)) for docname in page["docnames"]]
    elif context.get("collection") is not None:
        shown = [(post.docname, keys.get(post.docname)) for post in context["collection"]]
    elif context.get("catalog") is not None:
        shown = [(str(c), c.docname, _description(c), [(post.docname, keys.get(post.docname)) for post in c])
                 for c in context["catalog"]]
    scalars = sorted((k, v) for k, v in context.items() if v is None or isinstance(v, (str, int, bool)))
    return incremental._digest(scalars, shown, page, _description(context.get("collection")))


def _descriptions(app: Sphinx) -> str:
    """A digest of every registry entry's description."""
    regs = registries.of(app)
    return incremental._digest([(kind, e.id, e.description) for kind in registries.KINDS for e in getattr(regs, kind)])


def _description(collection) -> str:
    """A tag's or category's description from its registry (pages show it; no post's key holds it)."""
    entry = getattr(collection, "entry", None)
    return getattr(entry, "description", "") or ""


class CollectionKeys:
    """The key of each of ablog's pages as last written, kept in the doctree folder."""

    def __init__(self, app: Sphinx):
        self.path = Path(app.doctreedir) / COLLECTIONS
        self.old = buildstate.load_json(self.path)
        self.new: dict = {"pages": {}}

    def save(self) -> None:
        write_if_changed(self.path, json.dumps(self.new, ensure_ascii=False, sort_keys=True).encode("utf-8"))


_keys: PerBuild[CollectionKeys] = PerBuild()


def _unchanged_left_out(app: Sphinx, archive_pages: list[tuple]) -> list[tuple]:
    """ablog's listing pages, each written only when what it shows changed (or it is missing).

    A page's key covers its posts' listing keys; the configuration, the
    templates, the registries and the set of series change them all.
    """
    listing = getattr(app.env, "techblog_listing", None) or {}
    keys = listing.get("keys", {})
    state = _keys.set(app, CollectionKeys(app))
    state.new.update(site=listing.get("site"), series=listing.get("series"), described=_descriptions(app))
    every = (state.old.get("site") != state.new["site"] or state.old.get("series") != state.new["series"]
             or (incremental.sidebars_list_posts(app) and incremental.listing_changed(app)))
    old_pages = state.old.get("pages", {})
    # No post's listing key changed, none came or went, no description was edited: each page shows what it showed.
    same_posts = (not every and not incremental.listing_changed(app)
                  and state.old.get("described") == state.new["described"])
    written = []
    for page in archive_pages:
        name, context = page[0], page[1]
        key = old_pages.get(name) if same_posts else None
        key = state.new["pages"][name] = key or _collection_page_key(context, keys)
        target = Path(app.builder.outdir, app.builder.get_target_uri(name))
        if every or old_pages.get(name) != key or not target.is_file():
            written.append(page)
        else:  # not written again, but still a page of the site (the sitemap lists it)
            findability.note_page(app, name)
    return written


def _save_collection_keys(app: Sphinx, exception) -> None:
    """Keep this build's page keys; delete the pages ablog no longer makes (a tag left without posts)."""
    state = _keys.pop(app)
    if exception is not None or state is None:
        return
    for name in state.old.get("pages", {}).keys() - state.new["pages"].keys():
        Path(app.builder.outdir, app.builder.get_target_uri(name)).unlink(missing_ok=True)
    state.save()


def _install(patches: Patches, app: Sphinx) -> None:
    patches.connect(app, "techblog-archive-pages", _unchanged_left_out)
    patches.connect(app, "build-finished", _save_collection_keys)


SPEEDUP = Speedup("collection_pages", {"ablog": "0.11.13"}, _install)
