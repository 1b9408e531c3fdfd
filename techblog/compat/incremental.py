"""Incremental and parallel builds that write what a clean build would.

ablog 0.11 keeps what it knows about posts in ``env.ablog_posts`` but does not
tell Sphinx which pages depend on it (it has no ``env-get-outdated`` handling),
so after a post is added or its title, date, excerpt or tags change, the home
page's ``postlist`` and every listing stay stale until a full build.  Here:

- each post's *listing key* (what other pages show of it: its card from
  :mod:`techblog.reader.pages` with title, dates, authors, tags, excerpt and reading
  time, and ablog's entry) is kept in the environment; when a key changes or a
  post appears or disappears, the pages that show posts are written again: the
  home page, documents with a ``postlist``, the posts whose previous/next,
  series or related posts include a changed post or are no longer the same,
  and every page when a sidebar lists posts (``techblog_listing_templates``)
  or the set of series changes.  Remove when ablog reports its outdated
  pages through ``env-get-outdated``;
- each of ablog's collection pages (``blog/*``) is written only when the posts
  it lists or their listing keys changed, when the configuration or a template
  changed, or when it is missing; otherwise the file of the previous build is
  already what a clean build would write.  Remove with the item above;
- ablog declares ``parallel_read_safe = False`` because nothing merges
  ``env.ablog_posts`` across read workers (ablog PR #330, unmerged).
  It is merged here, so ``-j auto`` reads in parallel;
- Sphinx resolves links between pages when it writes a page, but does not write
  a page again when a page it links to was changed or removed, so the link text
  (a title) went stale and a link to a deleted page went unnoticed.  The pages
  each page links to are kept, and a page linking to a page read again or
  removed is written again (and its links checked again).  Remove when
  Sphinx tracks these dependencies itself (it does not in 9.0).
"""

from __future__ import annotations

import hashlib

import ablog.post
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import docname_join

from techblog import metadata
from techblog.content import posts
from techblog.core import docstore, staleness
from techblog.core.perbuild import PerBuild
from techblog.reader import pages, related

# Sidebar templates that show other posts: a page using one is a listing.
LISTING_TEMPLATES = [
    "ablog/recentposts.html", "ablog/tagcloud.html", "ablog/archives.html", "ablog/categories.html",
    "ablog/authors.html", "ablog/languages.html", "ablog/locations.html",
    "recentposts.html", "tagcloud.html", "archives.html", "categories.html", "authors.html",
]


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


def listing_key(app: Sphinx, docname: str) -> str:
    """What other pages show of one post (its card and ablog's entry), as a short digest."""
    infos = getattr(app.env, "ablog_posts", {}).get(docname, [])
    shown = [
        (i["title"], i["date"], i["update"], i["author"], i["category"], i["tags"], i["image"],
         "".join(node.pformat() for node in i["excerpt"]))
        for i in infos
    ]
    return _digest(shown, pages.card(app, docname))


def _memberships(app: Sphinx, docname: str) -> tuple:
    """The listings a post is in (tags, category, authors, year), and what orders and relates it."""
    meta = posts.of(app).all[docname]
    return (tuple(meta.tags), meta.category, tuple(meta.authors), meta.date.year, meta.date, meta.series)


def shown_posts(app: Sphinx, kept: dict[str, list[str]] | None = None) -> tuple[dict, dict]:
    """The other posts each post's page shows (previous and next, series parts, related posts), and its related list.

    *kept* holds related lists known to be still right (see ``_related_kept``).
    """
    catalog = posts.of(app)
    built = catalog.newest_first()
    kept = kept or {}
    shown, lists = {}, {}
    for meta in built:
        # The page's own previous and next (pages.post_context): with equal dates, not the posts beside it in the list.
        older, newer = catalog.neighbours(meta)
        neighbours = [newer.docname if newer else None, older.docname if older else None]
        series = [m.docname for m in related.series_parts(meta, built)]
        chosen = kept.get(meta.docname)
        if chosen is None:
            chosen = [m.docname for m in related.related(meta, built)]
        shown[meta.docname], lists[meta.docname] = neighbours + series + chosen, chosen
    return shown, lists


def _related_kept(old: dict, members: dict) -> dict[str, list[str]]:
    """The previous build's related lists that the posts added, removed or changed since leave as they were."""
    old_members, lists = old.get("members"), old.get("related")
    if not old_members or not lists:
        return {}

    def topics(found: dict) -> dict:
        return {d: (tags, category, series, date) for d, (tags, category, _, _, date, series) in found.items()}
    return related.still_related(topics(old_members), topics(members), lists)


def _series_with_posts(app: Sphinx) -> list[str]:
    return sorted({m.series for m in posts.of(app).built().values() if m.series})


def _site_key(app: Sphinx) -> str:
    """Configuration and templates: when they change, every page is written again."""
    builder = app.builder
    info = getattr(builder, "build_info", None)
    templates = getattr(builder, "templates", None)
    mtime = templates.newest_template_mtime() if templates is not None else 0
    # Sphinx's config_hash covers only "html" settings; the data and code digest (techblog.core.staleness) is "env".
    data = staleness.inputs_digest(app)
    return _digest(repr(getattr(info, "config_hash", "")), repr(getattr(info, "tags_hash", "")), mtime, data)


def sidebars_list_posts(app: Sphinx) -> bool:
    listing = set(LISTING_TEMPLATES) | set(app.config.techblog_listing_templates)
    sidebars = app.config.html_sidebars or {}
    return any(name in listing for names in sidebars.values() for name in ([names] if isinstance(names, str) else names))


def _linked_docs(env, doctree) -> list[str]:
    targets = set()
    for node in doctree.findall(addnodes.pending_xref):
        if node.get("reftype") not in ("doc", "myst"):
            continue
        target = str(node.get("reftarget", "")).split("#", 1)[0]
        if node.get("reftype") == "doc" and not target.startswith("/"):
            target = docname_join(env.docname, target)
        if target:
            targets.add(target.lstrip("/"))
    return sorted(targets)


def _links(app: Sphinx, doctree) -> None:
    docstore.of(app.env, "techblog_links")[app.env.docname] = _linked_docs(app.env, doctree)


_docs_read: PerBuild[set[str]] = PerBuild()
_relinked: PerBuild[set[str]] = PerBuild()
_listing_changed: PerBuild[bool] = PerBuild()
_shown_changed: PerBuild[set[str]] = PerBuild()


def docs_read(app: Sphinx) -> set[str] | None:
    """The documents read again in this build; None before Sphinx has listed them."""
    return _docs_read.get(app)


def relinked(app: Sphinx) -> set[str] | None:
    """Pages not read again that are written again because a page they link to changed; None until known."""
    return _relinked.get(app)


def listing_changed(app: Sphinx) -> bool:
    """Whether what listings show of the posts changed (True until it is known)."""
    return _listing_changed.get(app, True)


def shown_changed(app: Sphinx) -> set[str]:
    """Posts written again because other posts they show changed, on a site otherwise the same as last build's.

    Empty when every page is written again (the sidebar changed, or the site) or before it is known.
    """
    return _shown_changed.get(app, set())


def _remember_read(app: Sphinx, env, docnames: list[str]) -> None:
    _docs_read.set(app, set(docnames))


def _linking_to_changed(app: Sphinx, env) -> set[str]:
    """Pages not read again that link to a page read again or removed."""
    touched = (docs_read(app) or set()) | staleness.removed_docs(app)
    if not touched:
        return set()
    links = docstore.of(env, "techblog_links")
    return {d for d, targets in links.items() if d not in touched and touched.intersection(targets)}


def _env_updated(app: Sphinx, env) -> list[str]:
    """Pages to write again because the posts they show, or the pages they link to, changed."""
    linking = _linking_to_changed(app, env) & set(env.found_docs)
    _relinked.set(app, linking)
    return sorted(set(_listing_pages(app, env)) | linking)


def _listing_pages(app: Sphinx, env) -> list[str]:
    """Pages to write again because the posts they show changed."""
    built = set(posts.of(app).built()) & set(env.found_docs)
    old = getattr(env, "techblog_listing", None) or {}
    old_keys = old.get("keys", {})
    site_key = _site_key(app)
    # A post not read again, on the same site, shows the same card.
    read = docs_read(app)
    reuse = set() if read is None or old.get("site") != site_key else (built & old_keys.keys()) - read
    keys = {d: old_keys[d] if d in reuse else listing_key(app, d) for d in built}
    changed = {d for d in keys.keys() | old_keys.keys() if keys.get(d) != old_keys.get(d)}
    _listing_changed.set(app, bool(changed) or old.get("site") != site_key or not old_keys)
    # Only edited, none added or removed, same site: listings without them stay as they are.
    series = _series_with_posts(app)
    members = {d: _memberships(app, d) for d in built}
    same_posts = (keys.keys() == old_keys.keys() and old.get("site") == site_key and old.get("series") == series
                  and members == old.get("members"))
    if not changed:
        env.techblog_listing = {**old, "site": site_key}
        return []
    # Same posts with the same memberships, dates and series: the same neighbours and related posts.
    if same_posts and "shown" in old:
        shown, lists = old["shown"], old.get("related")
    else:
        shown, lists = shown_posts(app, _related_kept(old, members))
    env.techblog_listing = {"keys": keys, "shown": shown, "series": series, "site": site_key, "members": members,
                            "related": lists}
    write = {app.config.root_doc} | set(getattr(env, "techblog_postlist_docs", set()))
    old_shown = old.get("shown", {})
    showing = {d for d, others in shown.items() if others != old_shown.get(d) or changed.intersection(others)}
    # The blog sidebar names every series that has posts.
    every_page = sidebars_list_posts(app) or series != old.get("series")
    if every_page:
        write |= set(env.found_docs)
    _shown_changed.set(app, set() if every_page or old.get("site") != site_key else showing)
    return sorted((write | showing) & set(env.found_docs))


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
    """Bring the pages with a postlist that a parallel read worker saw into the main environment."""
    _postlist_docs(env).update(set(docnames) & getattr(other, "techblog_postlist_docs", set()))


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.compat.ablog")
    app.setup_extension("techblog.core.staleness")
    # ablog 0.11.13 says it is not parallel-read safe only because env.ablog_posts is not
    # merged (ablog PR #330, unmerged); keep_per_document does that.  Remove when ablog merges it.
    app.extensions["ablog"].parallel_read_safe = True
    docstore.keep_per_document(app, "ablog_posts")
    app.add_config_value("techblog_listing_templates", [], "html", types=[list])
    app.connect("doctree-read", _doctree_read)
    app.connect("doctree-read", _links)
    app.connect("env-before-read-docs", _remember_read)
    docstore.keep_per_document(app, "techblog_links")
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-updated", _env_updated, priority=900)
    return metadata()
