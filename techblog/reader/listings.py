"""Listings in pages: every listing of posts (all posts, a year, a category, a tag, an author) cut into pages.

ablog writes each listing as one page with every post on it: at 5,000 posts
``blog.html`` was 5 MB.  Here each of ablog's listing pages becomes pages of
``techblog_listing_page_size`` posts (default 20), newest first: page 1 at the
listing's own URL, page *n* at ``<listing>/page/<n>.html`` (``blog/tag/aws.html``,
``blog/tag/aws/page/2.html``).  Each page's context gets ``tb_page``: its
number, the number of pages, the listing's total, its own posts and the pages
the pager links to.  What the pages show is made by
:mod:`techblog.reader.pages` (``tb_listing``, the pager, ``<link rel="prev/next">``).

Pages are numbered from the newest post, so a new post moves every later
post one place down: the incremental build writes again every page whose
posts changed (:mod:`techblog.speedups.collection_pages` keys each page by its
own posts), and the page that a shorter listing no longer has is deleted
(:mod:`techblog.core.staleness`).
"""

from __future__ import annotations

from ablog.blog import Blog
from sphinx.application import Sphinx

from techblog import metadata
from techblog.core.perbuild import PerBuild
from techblog.core.problems import Problem, conf_line, report

DEFAULT_PAGE_SIZE = 20
SETTING = "techblog_listing_page_size"
COLLECTION_TEMPLATE = "ablog/collection.html"
# Page links around the current page in the pager (the first and last are always there).
PAGER_WINDOW = 2


def page_size(app: Sphinx) -> int:
    """The checked page size of this build."""
    return _size.get(app) or DEFAULT_PAGE_SIZE


_size: PerBuild[int] = PerBuild()


def page_docname(base: str, number: int) -> str:
    """The docname of page *number* of the listing at *base* (page 1 is the listing itself)."""
    return base if number <= 1 else f"{base}/page/{number}"


def page_count(count: int, size: int) -> int:
    return max(1, -(-count // size))


def page_of(index: int, size: int) -> int:
    """The page (1-based) that shows the post at *index* (0-based, newest first)."""
    return index // size + 1


def pager_numbers(number: int, pages: int, window: int = PAGER_WINDOW) -> list[int | None]:
    """The page numbers the pager links to: the first, the last and a window around *number*; None for a gap."""
    shown = sorted({1, pages, *range(max(1, number - window), min(pages, number + window) + 1)})
    result: list[int | None] = []
    for n in shown:
        if result and n - result[-1] > 1:  # type: ignore[operator]
            result.append(None)
        result.append(n)
    return result


def paginate(app: Sphinx, pages: list[tuple]) -> list[tuple]:
    """ablog's pages with each listing of posts cut into pages of the configured size."""
    size = page_size(app)
    result = []
    for page in pages:
        name, context, template = page[0], page[1], page[2]
        collection = context.get("collection")
        if template != COLLECTION_TEMPLATE or collection is None:
            result.append(page)
            continue
        docnames = [post.docname for post in collection]
        total = page_count(len(docnames), size)
        for number in range(1, total + 1):
            result.append((page_docname(name, number), {**context, "tb_page": {
                "base": name,
                "number": number,
                "pages": total,
                "size": size,
                "count": len(docnames),
                "start": (number - 1) * size + 1,
                "docnames": docnames[(number - 1) * size:number * size],
                "prev": page_docname(name, number - 1) if number > 1 else None,
                "next": page_docname(name, number + 1) if number < total else None,
                "links": [None if n is None else (n, page_docname(name, n)) for n in pager_numbers(number, total)],
            }}, template))
    return result


def listing_docnames(app: Sphinx) -> set[str]:
    """Every page of every listing ablog makes (with posts), for the sitemap and the redirects' check."""
    blog = Blog(app)
    size = page_size(app)
    found = set()
    collections = [blog.posts]
    for catalog in (blog.author, blog.location, blog.language, blog.category, blog.archive, blog.tags):
        if catalog:
            collections += [c for c in catalog if c]
    for collection in collections:
        for number in range(1, page_count(len(collection), size) + 1):
            found.add(page_docname(collection.docname, number))
    return found


def _check(app: Sphinx, config) -> None:
    """The page size is a whole number from 1; anything else is a problem at its line of conf.py."""
    value = getattr(config, SETTING)
    if isinstance(value, str) and value.strip().isdigit():  # -D gives text when the default is not seen
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        line = conf_line(app.confdir, SETTING)
        report(app, Problem("conf.py", line, f"{SETTING}（{value!r}）は 1 以上の整数で書いてください。"
                            f"一覧の 1 ページに並べる記事の数です（既定は {DEFAULT_PAGE_SIZE}）"))
        value = DEFAULT_PAGE_SIZE
    _size.set(app, value)


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.core.problems")
    app.add_config_value(SETTING, DEFAULT_PAGE_SIZE, "html", types=[int])
    app.connect("config-inited", _check, priority=60)
    return metadata()
