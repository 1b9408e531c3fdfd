"""Incremental and parallel builds that write what a clean build would.

ablog 0.11 keeps what it knows about posts in ``env.ablog_posts`` but does not
tell Sphinx which pages depend on it (it has no ``env-get-outdated`` handling),
so after a post is added or its title, date, excerpt or tags change, the home
page's ``postlist`` and every listing stay stale until a full build.  Here:

- each post's *listing key* (what listings show of it: title, dates, authors,
  category, tags, series, description, image, excerpt) is kept in the
  environment; when a key changes, a post appears or disappears, the pages
  that list posts are written again: documents with a ``postlist``, the posts
  whose previous/next neighbour or series changed, and every page when a
  sidebar template lists posts (``techblog_listing_templates``);
- ablog's collection pages (``blog/*``) are written only when a listing key, the
  configuration or a template changed, or when they are missing; otherwise the
  files of the previous build are already what a clean build would write;
- ablog declares ``parallel_read_safe = False`` because nothing merges
  ``env.ablog_posts`` across read workers (ablog PR #330, unmerged).
  It is merged here, so ``-j auto`` reads in parallel.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import ablog.post
from sphinx.application import Sphinx
from sphinx.search import IndexBuilder

from . import ablog_compat, posts

# Sidebar templates that show other posts: a page using one is a listing.
LISTING_TEMPLATES = [
    "ablog/recentposts.html", "ablog/tagcloud.html", "ablog/archives.html", "ablog/categories.html",
    "ablog/authors.html", "ablog/languages.html", "ablog/locations.html",
    "recentposts.html", "tagcloud.html", "archives.html", "categories.html", "authors.html",
]


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


def listing_key(env, docname: str, meta) -> str:
    """What a listing shows of one post, as a short digest."""
    infos = getattr(env, "ablog_posts", {}).get(docname, [])
    shown = [
        (i["title"], i["date"], i["update"], i["author"], i["category"], i["tags"], i["image"],
         "".join(node.pformat() for node in i["excerpt"]))
        for i in infos
    ]
    extra = (meta.series, meta.description, meta.image, meta.featured) if meta else ()
    return _digest(shown, extra)


def _neighbours(keys: dict[str, str], env) -> dict[str, tuple[str | None, str | None]]:
    def when(docname: str):
        infos = env.ablog_posts.get(docname) or [{}]
        return (infos[0].get("date") or datetime.min, docname)

    order = sorted(keys, key=when)
    return {d: (order[i - 1] if i else None, order[i + 1] if i + 1 < len(order) else None) for i, d in enumerate(order)}


def _series(app: Sphinx, docnames) -> dict[str, set[str]]:
    by_series: dict[str, set[str]] = defaultdict(set)
    for docname, meta in posts.of(app).all.items():
        if meta.series and docname in docnames:
            by_series[meta.series].add(docname)
    return by_series


def _site_key(app: Sphinx) -> str:
    """Configuration and templates: when they change, every page is written again."""
    builder = app.builder
    info = getattr(builder, "build_info", None)
    templates = getattr(builder, "templates", None)
    mtime = templates.newest_template_mtime() if templates is not None else 0
    return _digest(repr(getattr(info, "config_hash", "")), repr(getattr(info, "tags_hash", "")), mtime)


def sidebars_list_posts(app: Sphinx) -> bool:
    listing = set(LISTING_TEMPLATES) | set(app.config.techblog_listing_templates)
    sidebars = app.config.html_sidebars or {}
    return any(name in listing for names in sidebars.values() for name in ([names] if isinstance(names, str) else names))


def _env_updated(app: Sphinx, env) -> list[str]:
    """Pages to write again because what they list changed."""
    catalog = posts.of(app)
    built = {d for d in env.found_docs if d in getattr(env, "ablog_posts", {})}
    keys = {d: listing_key(env, d, catalog.all.get(d)) for d in built}
    old = getattr(env, "techblog_listing", None) or {}
    old_keys = old.get("keys", {})
    neighbours = _neighbours(keys, env)
    site_key = _site_key(app)
    changed = {d for d in keys.keys() | old_keys.keys() if keys.get(d) != old_keys.get(d)}
    env.techblog_listing = {"keys": keys, "neighbours": neighbours, "site": site_key}
    app._techblog_listing_changed = bool(changed) or old.get("site") != site_key or not old_keys
    if not changed:
        return []
    write = set(getattr(env, "techblog_postlist_docs", set()))
    if sidebars_list_posts(app):
        write |= set(env.found_docs)
    # Post pages show their previous and next posts' titles.
    old_neighbours = old.get("neighbours", {})
    write |= {d for d, pair in neighbours.items() if old_neighbours.get(d) != pair}
    for d in changed:
        write |= {n for n in neighbours.get(d, ()) + old_neighbours.get(d, ()) if n}
    series = _series(app, built)
    for members in series.values():
        if members & changed:
            write |= members
    return sorted(write & set(env.found_docs))


def _prune_without_empty_words(prune):
    """Sphinx 9.0's incremental search index keeps words no page contains any more.

    ``IndexBuilder.prune`` empties their document sets but keeps the keys, so
    ``searchindex.js`` differs from a clean build's (and grows) after edits.
    """
    def pruned(self, docnames) -> None:
        prune(self, docnames)
        for mapping in (self._mapping, self._title_mapping):
            for word in [w for w, names in mapping.items() if not names]:
                del mapping[word]
    pruned.techblog = True
    return pruned


def _doctree_read(app: Sphinx, doctree) -> None:
    docs = _postlist_docs(app.env)
    if any(True for _ in doctree.findall(ablog.post.PostList)):
        docs.add(app.env.docname)
    else:
        docs.discard(app.env.docname)


def _postlist_docs(env) -> set[str]:
    if not hasattr(env, "techblog_postlist_docs"):
        env.techblog_postlist_docs = set()
    return env.techblog_postlist_docs


def _purge(app: Sphinx, env, docname: str) -> None:
    _postlist_docs(env).discard(docname)


def _merge(app: Sphinx, env, docnames, other) -> None:
    """Bring what a parallel read worker learnt into the main environment."""
    if not hasattr(env, "ablog_posts"):
        env.ablog_posts = {}
    theirs = getattr(other, "ablog_posts", {})
    for docname in docnames:
        if docname in theirs:
            env.ablog_posts[docname] = theirs[docname]
    _postlist_docs(env).update(set(docnames) & getattr(other, "techblog_postlist_docs", set()))


def _collection_pages(app: Sphinx):
    """ablog's listing pages, written only when what they show may have changed."""
    pages = ablog_compat._archive_pages_without_drafts(app)
    blog_page = Path(app.builder.outdir, app.builder.get_target_uri(app.config.blog_path))
    if getattr(app, "_techblog_listing_changed", True) or not blog_page.is_file():
        yield from pages


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.ablog_compat")
    # ablog 0.11.13 says it is not parallel-read safe only because env.ablog_posts is not
    # merged (ablog PR #330, unmerged); _merge does that.
    app.extensions["ablog"].parallel_read_safe = True
    if not getattr(IndexBuilder.prune, "techblog", False):
        IndexBuilder.prune = _prune_without_empty_words(IndexBuilder.prune)
    app.add_config_value("techblog_listing_templates", [], "html", types=[list])
    app.connect("doctree-read", _doctree_read)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-updated", _env_updated, priority=900)
    ablog_compat._replace_listener(app, "html-collect-pages", ablog_compat._archive_pages_without_drafts,
                                   _collection_pages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
