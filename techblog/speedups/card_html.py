"""Post cards rendered once and kept between builds.

A listing page shows a card per post (``card`` in
``_templates/techblog/macros.html``), and ``blog.html`` shows all of them, so
adding one post rendered 2,000 cards again at 1,000 posts.  A post page shows
five related posts: a clean build rendered 5,000 cards for them (0.5 s at
1,000 posts), 2,200 of them a second time for another post of the same year
folder.  Those are kept for the build only: kept between builds they would
add half again to the file (3 MB at 1,000 posts), for the few post pages a
rebuild writes.  A card's HTML
depends only on the post's card data, the heading level, the folder of the
page it is on (its links are relative) and the templates, so it is kept in the
doctree folder under a key of these: the post's listing key from
:mod:`techblog.compat.incremental` (a digest of its card data) and the site key
(configuration, templates, registries).  The macro ``card_list`` asks
``tb_card_html`` for each card; a missing key renders it as before.

The cards are kept in one file per folder (``techblog-card-html/``), read the
first time a page of that folder is written and written back only when one of
its cards changed: a single file of every card (33 MB at 5,000 posts) was read
by every rebuild that wrote a listing and written again whenever one card
changed (0.3-0.7 s of a rebuild after editing one post).
"""

from __future__ import annotations

import hashlib
import pickle
import posixpath
from functools import partial
from pathlib import Path

from markupsafe import Markup
from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.content import posts
from techblog.core import buildstate
from techblog.core.perbuild import PerBuild
from techblog.speedups.layer import Speedup

CACHE = "techblog-card-html"  # a folder in the doctree folder: one file per folder of pages
OLD_CACHE = "techblog-card-html.pickle"  # the single file of earlier versions


class CardCache:
    def __init__(self, app: Sphinx):
        self.folder = Path(app.doctreedir) / CACHE
        (Path(app.doctreedir) / OLD_CACHE).unlink(missing_ok=True)
        listing = getattr(app.env, "techblog_listing", None) or {}
        self.keys: dict[str, str] = listing.get("keys", {})
        self.site = listing.get("site")
        self.html: dict[str, dict[tuple, str]] = {}  # by folder of pages: the cards kept, as last saved
        self.changed: set[str] = set()  # folders with a card rendered this build
        self.for_posts: dict[tuple, str] = {}  # cards on post pages, for this build only
        self.links: dict[str, set[str]] = {}  # by post: the pages its card links to (its card data is the build's)
        # By folder, as last saved: each post's listing key and the pages its card links to. Kept so that
        # a card whose HTML is kept needs none of its data (techblog.speedups.card_data makes it on demand).
        self.saved_links: dict[str, dict[str, tuple[str, frozenset]]] = {}

    def _file(self, folder: str) -> Path:
        return self.folder / f"{hashlib.sha1(folder.encode()).hexdigest()[:20]}.pickle"

    def _cards_of(self, folder: str) -> dict[tuple, str]:
        cards = self.html.get(folder)
        if cards is None:
            saved = buildstate.load_pickle(self._file(folder))
            if saved.get("folder") != folder:
                saved = {}
            cards = self.html[folder] = saved.get("cards", {})
            self.saved_links[folder] = saved.get("links", {})
            if cards and "links" not in saved:  # written by an earlier version: written again with them
                self.changed.add(folder)
        return cards

    def _links(self, post: dict, docname: str, folder: str) -> set[str] | frozenset[str]:
        links = self.links.get(docname)
        if links is None:
            saved = self.saved_links.get(folder, {}).get(docname)
            links = saved[1] if saved is not None and saved[0] == self.keys[docname] else _linked_docnames(post)
            self.links[docname] = links
        return links

    def render(self, pagename: str, post: dict, heading: str, macro, on_post: bool = False) -> Markup:
        docname = post.get("docname")
        if self.site is None or docname not in self.keys:
            return Markup(macro(post, heading))
        # A link to the page itself is written "#": a card linking to this page is this page's own.
        folder = posixpath.dirname(pagename)
        store = self.for_posts if on_post else self._cards_of(folder)  # loads the folder's saved links too
        own = pagename if pagename in self._links(post, docname, folder) else None
        key = (docname, self.keys[docname], self.site, heading, own)
        if on_post:
            key = (folder, *key)
        if key not in store:
            store[key] = str(macro(post, heading))
            if not on_post:
                self.changed.add(folder)
        return Markup(store[key])

    def save(self) -> None:
        """Write each folder whose cards changed, without the cards of posts whose listing keys are not this build's."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for folder, cards in self.html.items():
            current = {k: v for k, v in cards.items() if self.keys.get(k[0]) == k[1] and k[2] == self.site}
            if folder in self.changed or len(current) != len(cards):
                saved = self.saved_links.get(folder, {})
                links = {}
                for docname in {k[0] for k in current}:
                    found = self.links.get(docname)
                    if found is not None:
                        links[docname] = (self.keys[docname], frozenset(found))
                    elif docname in saved and saved[docname][0] == self.keys[docname]:
                        links[docname] = saved[docname]
                self._file(folder).write_bytes(pickle.dumps({"folder": folder, "cards": current, "links": links},
                                                            pickle.HIGHEST_PROTOCOL))


_caches: PerBuild[CardCache] = PerBuild()


def _linked_docnames(value) -> set[str]:
    """Every page a card links to: the ``docname`` of the post and of its authors, category, tags and series."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if key == "docname" and isinstance(inner, str):
                    found.add(inner)
                elif isinstance(inner, (dict, list)):
                    stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _cache(app: Sphinx) -> CardCache:
    cache = _caches.get(app)
    if cache is None:
        cache = _caches.set(app, CardCache(app))
    return cache


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.format == "html":
        context["tb_card_html"] = partial(_render, app, pagename, pagename in posts.of(app).all)


def _render(app: Sphinx, pagename: str, on_post: bool, post: dict, heading: str, macro) -> Markup:
    return _cache(app).render(pagename, post, heading, macro, on_post)


def _build_finished(app: Sphinx, exception) -> None:
    cache = _caches.pop(app)
    if exception is None and cache is not None:
        cache.save()


def _install(patches: Patches, app: Sphinx) -> None:
    patches.connect(app, "html-page-context", _page_context)
    patches.connect(app, "build-finished", _build_finished)


# Only our own templates' hook (``tb_card_html``): no upstream code is touched.
SPEEDUP = Speedup("card_html", {}, _install)
