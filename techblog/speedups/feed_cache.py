"""Feeds made from each post's HTML kept between builds, and written only when they change.

:mod:`techblog.distribution.feeds` renders every post's full text once per feed
build (ablog's ``to_html``: a copy of the doctree, transforms and a writer per
post).  Here each post's HTML is kept in the doctree folder and made again only
for posts read again (or relinked), and a feed is written again only when its
newest posts, or what it shows of them, changed.  The hook is the product's
``techblog-write-feeds`` event.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

from sphinx.application import Sphinx

from techblog.compat import incremental
from techblog.compat.patching import Patches
from techblog.core import buildstate
from techblog.distribution import feeds
from techblog.speedups.ablog_posts import shadowed
from techblog.speedups.layer import Speedup

FEED_CACHE = "techblog-feed-html.pickle"
FEED_KEYS = "techblog-feed-keys.json"


class CachedFeedWriter(feeds.FeedWriter):
    """A FeedWriter whose per-post HTML survives between builds."""

    def __init__(self, app: Sphinx):
        super().__init__(app)
        self.path = Path(app.doctreedir) / FEED_CACHE
        self.stamps = {d: app.env.all_docs.get(d) for d in app.env.all_docs}
        saved = buildstate.load_pickle(self.path)
        relinked = incremental.relinked(app) or set()
        self._html = {d: html for d, (stamp, html) in saved.items()
                      if self.stamps.get(d) == stamp and d not in relinked}

    def save(self) -> None:
        data = {d: (self.stamps.get(d), html) for d, html in self._html.items()}
        self.path.write_bytes(pickle.dumps(data, pickle.HIGHEST_PROTOCOL))

    def post_html(self, post) -> str:
        """As the product's, but a doctree loaded for the feed is handed to ablog's ``to_html`` as its
        own copy: it is used once, so ablog's deep copy of it is not needed."""
        if post.doctree is not None:
            return super().post_html(post)
        doctree = post.doctree = self.app.env.get_doctree(post.docname)
        try:
            with shadowed(doctree, "deepcopy", lambda: doctree):
                return post.to_html(post.docname, fulltext=True, img_url=True)
        finally:
            post.doctree = None


def _write_feeds(app: Sphinx, every: list) -> bool:
    read, relinked = incremental.docs_read(app), incremental.relinked(app)
    unchanged = (not incremental.listing_changed(app) and read is not None and not read
                 and relinked is not None and not relinked
                 and all(Path(app.builder.outdir, docname).is_file() for _, docname, _, _ in every))
    if unchanged:  # no post read again, no listing changed: the feeds on disk are this build's
        return True
    writer = CachedFeedWriter(app)
    written = buildstate.load_json(Path(app.doctreedir) / FEED_KEYS)
    keys = {}
    for listed, docname, title, page in every:
        keys[docname] = _feed_key(app, writer, listed, title, page)
        if keys[docname] != written.get(docname) or not Path(app.builder.outdir, docname).is_file():
            writer.write(listed, docname, title, page)
    writer.save()
    for gone in written.keys() - keys.keys():  # the feed of a tag left without posts
        Path(app.builder.outdir, gone).unlink(missing_ok=True)
    Path(app.doctreedir, FEED_KEYS).write_text(json.dumps(keys, sort_keys=True), encoding="utf-8")
    return True


def _feed_key(app: Sphinx, writer: CachedFeedWriter, listed, title: str, page: str) -> str:
    """What one feed shows: its newest posts (their listing keys and when their pages were read), the site."""
    listing = getattr(app.env, "techblog_listing", None) or {}
    keys, relinked = listing.get("keys", {}), incremental.relinked(app) or set()
    shown = [(p.docname, keys.get(p.docname), writer.stamps.get(p.docname), p.docname in relinked)
             for p in writer.entries(listed)]
    entry = repr((listing.get("site"), title, page, shown)).encode("utf-8")
    return hashlib.sha256(entry).hexdigest()


def _install(patches: Patches, app: Sphinx) -> None:
    patches.connect(app, "techblog-write-feeds", _write_feeds)


SPEEDUP = Speedup("feed_cache", {"ablog": "0.11.13", "feedgen": "1.0.0"}, _install)
