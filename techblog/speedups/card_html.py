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
"""

from __future__ import annotations

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

CACHE = "techblog-card-html.pickle"


class CardCache:
    def __init__(self, app: Sphinx):
        self.path = Path(app.doctreedir) / CACHE
        listing = getattr(app.env, "techblog_listing", None) or {}
        self.keys: dict[str, str] = listing.get("keys", {})
        self.site = listing.get("site")
        self.html: dict[tuple, str] = buildstate.load_pickle(self.path)
        self.changed = False
        self.for_posts: dict[tuple, str] = {}  # cards on post pages, for this build only

    def render(self, pagename: str, post: dict, heading: str, macro, on_post: bool = False) -> Markup:
        docname = post.get("docname")
        if self.site is None or docname not in self.keys:
            return Markup(macro(post, heading))
        # A link to the page itself is written "#": a card linking to this page is this page's own.
        own = pagename if pagename in _linked_docnames(post) else None
        key = (docname, self.keys[docname], self.site, posixpath.dirname(pagename), heading, own)
        store = self.for_posts if on_post else self.html
        if key not in store:
            store[key] = str(macro(post, heading))
            self.changed = self.changed or not on_post
        return Markup(store[key])

    def save(self) -> None:
        """Keep the cards of posts whose listing keys are still this build's."""
        current = {k: v for k, v in self.html.items() if self.keys.get(k[0]) == k[1] and k[2] == self.site}
        if self.changed or len(current) != len(self.html):
            self.path.write_bytes(pickle.dumps(current, pickle.HIGHEST_PROTOCOL))


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
