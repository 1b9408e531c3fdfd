"""What the reader's templates show: post header and footer, home, listings, follow links.

Templates in ``_templates/`` get plain dicts from here (``tb_post``,
``tb_home``, ``tb_follow``) and the function ``tb_card(docname)`` for any post,
so every date, author, tag and reading time is made the same way everywhere.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlencode

from docutils import nodes
from markupsafe import escape
from sphinx.application import Sphinx
from sphinx.util.osutil import copyfile

from techblog import metadata
from techblog.compat import ablog as ablog_compat
from techblog.content import jst, posts, registries
from techblog.content.registries import LINK_KINDS
from techblog.core import buildstate, docstore
from techblog.core.perbuild import PerBuild
from techblog.reader import listings, reading, related

LATEST_ON_HOME = 10
EXCERPT_CHARS = 120
FEED = "blog/atom.xml"
AVATARS_COPIED = "techblog-avatars-copied.json"  # in the doctree folder: what the last build copied
FOLLOW = (("x", "X"), ("facebook", "Facebook"), ("hatena", "はてなブックマーク"))
# No search field: the button in the article's header is the one way to search, at every width.
SIDEBARS = ["navbar-logo.html", "sbt-sidebar-nav.html", "techblog/sidebar-blog.html"]

def split_title(body: str) -> tuple[str, str]:
    """The rendered body cut after its first ``</h1>`` (the page title)."""
    head, sep, rest = body.partition("</h1>")
    return (head + sep, rest) if sep else ("", body)


# -- Data for templates ---------------------------------------------------------


class Fields(dict):
    """A dict whose keys templates read as attributes (``post.title``).

    Jinja reads ``post.title`` as ``getattr(post, "title")`` first and, for a
    plain dict, only after that fails as ``post["title"]``: a raised and caught
    AttributeError for every field of every card (0.2 s of a clean build at
    1,000 posts, most of it in the card macro).  Here the attribute is found at
    once.  What templates see is the same: a dict method still comes first, as
    with a plain dict, and a missing key is still undefined.  ``repr`` is a
    dict's, so the listing keys made from it do not change.
    """

    __slots__ = ()

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _entry_link(app: Sphinx, kind: str, entry) -> dict:
    return _kept(app, ("link", kind, entry.slug), lambda: Fields(
        entry=entry, label=entry.label, docname=f"{ablog_compat.collection_paths(app)[kind]}/{entry.slug}"))


def author_profile(app: Sphinx, entry) -> dict:
    def profile() -> dict:
        links = [Fields(kind=k, label=LINK_KINDS[k], url=url) for k, url in (entry.extra.get("links") or {}).items()]
        return Fields({
            **_entry_link(app, "author", entry),
            "title": entry.extra.get("title", ""),
            "bio": entry.description,
            "avatar": entry.extra.get("avatar", ""),
            "links": links,
        })
    return _kept(app, ("author", entry.slug), profile)


def _kept(app: Sphinx, key: tuple, make) -> dict:
    """An author's, tag's or category's fields, made once a build when the cards are kept (every card shows some)."""
    memo = _entry_memo.get(app)
    if memo is None:
        return make()
    found = memo.get(key)
    if found is None:
        found = memo[key] = make()
    return found


def card(app: Sphinx, docname: str) -> dict | None:
    """What lists show of a post. Kept once the environment is complete (a post
    appears on many listings; 2,000 cards a rebuild at 1,000 posts)."""
    memo = _card_memo.get(app)
    if memo is not None and docname in memo:
        return memo[docname]
    result = _card(app, docname)
    if memo is not None:
        memo[docname] = result
    return result


_card_memo: PerBuild[dict] = PerBuild(dict)
_entry_memo: PerBuild[dict] = PerBuild(dict)


def _start_card_memo(app: Sphinx, env) -> None:
    _card_memo.set(app, {})
    _entry_memo.set(app, {})


def _card(app: Sphinx, docname: str) -> dict | None:
    meta = posts.of(app).all.get(docname)
    if meta is None:
        return None
    regs = registries.of(app)
    title = app.env.titles[docname].astext() if docname in app.env.titles else meta.title
    time = reading.of(app, docname)
    authors = [regs.authors.get(a) for a in meta.authors]
    category = regs.categories.get(meta.category) if meta.category else None
    series = regs.series.get(meta.series) if meta.series else None
    return Fields({
        "docname": docname,
        "title": title,
        "date": jst.japanese_date(meta.date),
        "date_iso": meta.date.isoformat(),
        "updated": jst.japanese_date(meta.updated) if meta.updated else "",
        "updated_iso": meta.updated.isoformat() if meta.updated else "",
        "authors": [author_profile(app, a) for a in authors if a],
        "category": _entry_link(app, "category", category) if category else None,
        "tags": [_entry_link(app, "tags", t) for t in (regs.tags.get(x) for x in meta.tags) if t],
        "series": Fields(title=series.label, docname=f"{ablog_compat.collection_paths(app)['series']}/{series.slug}")
        if series else None,
        "description": meta.description or getattr(app.env, "techblog_excerpts", {}).get(docname, ""),
        "reading": time.label if time else "",
        "featured": meta.featured,
    })


def share_links(url: str, title: str) -> list[dict]:
    return [
        Fields(kind="x", label="X でポスト", url="https://x.com/intent/post?" + urlencode({"url": url, "text": title})),
        Fields(kind="hatena", label="はてなブックマークに追加",
               url="https://b.hatena.ne.jp/add?" + urlencode({"mode": "confirm", "url": url, "title": title})),
        Fields(kind="facebook", label="Facebook でシェア",
               url="https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
    ]


def post_context(app: Sphinx, docname: str) -> dict:
    catalog = posts.of(app)
    meta = catalog.all[docname]
    built = catalog.newest_first()
    info = card(app, docname)
    url = app.config.html_baseurl.rstrip("/") + "/" + quote(docname) + ".html"
    older, newer = catalog.neighbours(meta)
    parts = related.series_parts(meta, built)
    series = None
    if parts:
        index = [p.docname for p in parts].index(docname)
        series = Fields({
            **info["series"],
            "number": index + 1,
            "total": len(parts),
            "parts": [card(app, p.docname) for p in parts],
            "prev": card(app, parts[index - 1].docname) if index > 0 else None,
            "next": card(app, parts[index + 1].docname) if index + 1 < len(parts) else None,
        })
    return Fields({
        **info,
        "url": url,
        "share": share_links(url, info["title"]),
        "series_nav": series,
        "related": [card(app, name) for name in _related_docnames(app, meta, built)],
        "prev": card(app, older.docname) if older else None,
        "next": card(app, newer.docname) if newer else None,
    })


def _related_docnames(app: Sphinx, meta, built) -> list[str]:
    """The post's related posts: the list techblog.compat.incremental chose for this build, else chosen here.

    The incremental build chooses every post's list at ``env-updated`` (to know
    which pages show a changed post), keeping the lists a change cannot touch;
    tests/test_speed.py checks those equal lists chosen again.
    """
    chosen = ((getattr(app.env, "techblog_listing", None) or {}).get("related") or {}).get(meta.docname)
    return chosen if chosen is not None else [m.docname for m in related.related(meta, built)]


def home_context(app: Sphinx) -> dict:
    built = posts.of(app).newest_first()
    years: dict[int, int] = {}
    for meta in built:
        years[meta.date.year] = years.get(meta.date.year, 0) + 1
    return {
        "tagline": app.config.techblog_site.get("tagline", ""),
        "featured": [card(app, m.docname) for m in built if m.featured],
        "latest": [card(app, m.docname) for m in built[:LATEST_ON_HOME]],
        "years": [{"year": y, "count": n, "docname": f"{app.config.blog_path}/{y}"} for y, n in sorted(years.items(), reverse=True)],
        "all_docname": app.config.blog_path,
        "total": len(built),
    }


def follow_links(app: Sphinx) -> list[dict]:
    social = app.config.techblog_site.get("social") or {}
    links = [{"kind": k, "label": label, "url": social[k]} for k, label in FOLLOW if social.get(k)]
    links.append({"kind": "feed", "label": "Atom フィード", "url": None, "path": FEED})
    return links


CATALOG_TITLES = {"tags": "タグ一覧", "category": "カテゴリ一覧", "author": "著者一覧", "archive": "アーカイブ"}


def listing_context(app: Sphinx, collection, page: dict | None = None) -> dict:
    """A page of a listing of posts: all posts, a year, a tag, a category or an author.

    *page* is the page's ``tb_page`` (:mod:`techblog.reader.listings`); without
    it the listing shows all its posts on one page.  A year's listing is
    grouped by month (each month's heading has the id the archive links to).
    """
    kind = collection.catalog.name
    entry = getattr(collection, "entry", None)
    docnames = page["docnames"] if page is not None else [post.docname for post in collection]
    cards = [c for c in (card(app, docname) for docname in docnames) if c]
    count = page["count"] if page is not None else len(cards)
    listing = {"kind": kind, "cards": cards, "description": entry.description if entry else "", "author": None,
               "count": count, "pager": _pager(page), "groups": [{"heading": None, "id": None, "cards": cards}]}
    if kind == "tags":
        listing["title"] = f"タグ「{collection.name}」の記事"
    elif kind == "category":
        listing["title"] = f"カテゴリ「{collection.name}」の記事"
    elif kind == "author":
        listing["title"] = f"{collection.name}の記事"
        listing["author"] = author_profile(app, entry) if entry else None
        listing["description"] = ""
    elif kind == "archive":
        listing["title"] = f"{collection.name}年の記事"
        listing["groups"] = _by_month(app, cards)
    else:
        listing["title"] = "すべての記事"
    return listing


def month_anchor(month: int) -> str:
    """The id of a month's heading on a year's listing page."""
    return f"month-{month:02d}"


def _by_month(app: Sphinx, cards: list[dict]) -> list[dict]:
    """Cards of a year's page grouped by month, newest first."""
    catalog = posts.of(app).all
    groups: list[dict] = []
    for c in cards:
        month = catalog[c["docname"]].date.month
        if not groups or groups[-1]["month"] != month:
            groups.append({"month": month, "heading": f"{month}月", "id": month_anchor(month), "cards": []})
        groups[-1]["cards"].append(c)
    return groups


def _pager(page: dict | None) -> dict | None:
    """The pager of a listing page: where it is, what it shows, the pages it links to (None: one page only)."""
    if page is None:
        return None
    shown = len(page["docnames"])
    return {
        "number": page["number"], "pages": page["pages"], "count": page["count"],
        "first": page["start"], "last": page["start"] + shown - 1 if shown else 0,
        "prev": page["prev"], "next": page["next"],
        "links": [None if link is None else {"number": link[0], "docname": link[1], "current": link[0] == page["number"]}
                  for link in page["links"]],
    }


def page_suffix(page: dict | None) -> str:
    """What tells page 2 and on of a listing apart in its title: 「（2 / 14 ページ）」."""
    if page is None or page["number"] <= 1:
        return ""
    return f"（{page['number']} / {page['pages']} ページ）"


def catalog_context(app: Sphinx, catalog) -> dict:
    collections = [c for c in catalog if len(c)]
    items = [{"label": f"{c.name}年" if catalog.name == "archive" else str(c.name), "docname": c.docname,
              "count": len(c), "entry": getattr(c, "entry", None)} for c in collections]
    if catalog.name == "author":
        for item in items:
            item["author"] = author_profile(app, item["entry"]) if item["entry"] else None
    if catalog.name == "archive":
        for item, collection in zip(items, collections, strict=True):
            item["months"] = archive_months(app, collection)
    return {"kind": catalog.name, "title": CATALOG_TITLES.get(catalog.name, str(catalog.name)), "items": items,
            "total": sum(item["count"] for item in items) if catalog.name == "archive" else None}


def archive_months(app: Sphinx, collection) -> list[dict]:
    """A year's months with posts, newest first: the count, and the page of the year's listing where each starts."""
    catalog = posts.of(app).all
    size = listings.page_size(app)
    months: list[dict] = []
    for index, post in enumerate(collection):
        month = catalog[post.docname].date.month
        if months and months[-1]["month"] == month:
            months[-1]["count"] += 1
            continue
        docname = listings.page_docname(collection.docname, listings.page_of(index, size))
        months.append({"month": month, "label": f"{month}月", "count": 1, "docname": docname,
                       "anchor": month_anchor(month)})
    return months


def series_pages(app: Sphinx):
    """A page per series: its description and every part in order."""
    built = sorted(posts.of(app).built().values(), key=lambda m: m.date)
    for entry in registries.of(app).series:
        parts = [card(app, m.docname) for m in built if m.series == entry.id]
        if parts:
            docname = f"{ablog_compat.collection_paths(app)['series']}/{entry.slug}"
            yield docname, {"title": entry.label, "tb_series": {"entry": entry, "parts": parts}}, "techblog/series.html"


# -- Sphinx events ---------------------------------------------------------------


def _excerpt(app: Sphinx, doctree) -> None:
    """The first paragraph of a post, for listings when it has no description."""
    if app.env.docname not in posts.of(app).all:
        return
    for para in doctree.findall(nodes.paragraph):
        text = " ".join(para.astext().split())
        if text:
            if len(text) > EXCERPT_CHARS:
                text = text[:EXCERPT_CHARS].rstrip() + "…"
            docstore.of(app.env, "techblog_excerpts")[app.env.docname] = text
            return


def _series_list(app: Sphinx) -> list[dict]:
    """The series that have posts, for the sidebar (the same on every page of a build)."""
    if _series.get(app) is None:
        with_posts = {m.series for m in posts.of(app).built().values()}
        _series.set(app, [
            {"label": e.label, "docname": f"{ablog_compat.collection_paths(app)['series']}/{e.slug}"}
            for e in registries.of(app).series if e.id in with_posts
        ])
    return [dict(item) for item in _series(app)]


_series: PerBuild[list[dict]] = PerBuild()


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    context["tb_card"] = lambda docname: card(app, docname)
    context["tb_author"] = lambda entry: author_profile(app, entry)
    context["tb_split_title"] = split_title
    context["tb_follow"] = follow_links(app)
    context["tb_blog_path"] = app.config.blog_path
    context["tb_collection_paths"] = ablog_compat.collection_paths(app)
    context["tb_series_list"] = _series_list(app)
    if posts.of(app).is_built(pagename) and doctree is not None:
        context["tb_post"] = post_context(app, pagename)
    if pagename == app.config.root_doc:
        context["tb_home"] = home_context(app)
        # The home ends with its own ways on (all posts, the archives): the theme's pager would
        # offer the first page of its table of contents (the docs) as the blog's "next" page.
        context["theme_show_prev_next"] = False
    if templatename == "ablog/collection.html":
        page = context.get("tb_page")
        context["tb_listing"] = listing_context(app, context["collection"], page)
        # Sphinx's ``title`` and ablog's ``feed_title`` are put in the page as HTML; a label is writer text.
        context["title"] = escape(context["tb_listing"]["title"] + page_suffix(page))
        context["feed_title"] = escape(context["tb_listing"]["title"])
        # <link rel="prev/next"> in the head (Sphinx's layout); the theme's own footer pager would
        # show them again as the previous and next "document", so the page has only its own pager.
        pathto = context["pathto"]
        context["prev"] = {"link": pathto(page["prev"]), "title": "前のページ"} if page and page["prev"] else None
        context["next"] = {"link": pathto(page["next"]), "title": "次のページ"} if page and page["next"] else None
        context["theme_show_prev_next"] = False
    if templatename == "ablog/catalog.html":
        context["tb_catalog"] = catalog_context(app, context["catalog"])
        context["title"] = escape(context["tb_catalog"]["title"])


def _collect_pages(app: Sphinx):
    yield from series_pages(app)


def _config_inited(app: Sphinx, config) -> None:
    # pydata-sphinx-theme reads the mode from html_context; left empty, its
    # script logs "Got invalid theme mode: ." on every page.
    config.html_context = {"default_mode": "auto", **(config.html_context or {})}
    config.html_sidebars = {"**": SIDEBARS, **(config.html_sidebars or {})}
    # Without an icon every first page view logs a 404 for /favicon.ico.
    config.html_favicon = config.html_favicon or "_static/favicon.svg"


def _copy_avatars(app: Sphinx, exception) -> None:
    """Avatars named outside ``_static`` are copied to the same path in the output.

    A changed avatar is copied again, and one no longer named is taken out, as a
    clean build would have it (those inside ``_static`` are Sphinx's own copies).
    """
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    named = sorted({str(entry.extra["avatar"]) for entry in registries.of(app).authors if entry.extra.get("avatar")})
    for avatar in named:
        target = outdir / avatar
        target.parent.mkdir(parents=True, exist_ok=True)
        copyfile(Path(app.srcdir) / avatar, target, force=True)  # only when its bytes differ
    record = Path(app.doctreedir) / AVATARS_COPIED
    for gone in set(buildstate.load_json(record).get("copied", [])) - set(named):
        if not gone.startswith("_static/"):
            (outdir / gone).unlink(missing_ok=True)
    record.write_text(json.dumps({"copied": named}), encoding="utf-8")


def _add_theme_catalog(app: Sphinx) -> None:
    """sphinx-book-theme translates through its own ``booktheme`` catalog, whose ja
    file lacks some strings (e.g. "Suggest edit").  Ours is compiled and added as a
    fallback; Sphinx only compiles the ``sphinx`` catalog by itself."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    folder = Path(app.srcdir) / "locales" / str(app.config.language or "en") / "LC_MESSAGES"
    po = folder / "booktheme.po"
    if not po.exists():
        return
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        with po.open("rb") as src, mo.open("wb") as out:
            write_mo(out, read_po(src))
    app.add_message_catalog("booktheme", str(Path(app.srcdir) / "locales"))


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx_book_theme")
    _add_theme_catalog(app)
    app.setup_extension("techblog.compat.ablog")
    app.setup_extension("techblog.reader.reading")
    app.connect("config-inited", _config_inited)
    app.add_css_file("techblog.css")
    app.add_css_file("techblog-icons.css")
    app.add_js_file("techblog.js", loading_method="defer")
    app.connect("doctree-read", _excerpt)
    docstore.keep_per_document(app, "techblog_excerpts")
    app.connect("html-page-context", _page_context)
    # Just before techblog.compat.incremental's listing keys (900), after what changes posts' data.
    app.connect("env-updated", _start_card_memo, priority=800)
    app.connect("html-collect-pages", _collect_pages)
    app.connect("build-finished", _copy_avatars)
    return metadata()
