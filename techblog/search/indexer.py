"""Japanese full-text search on static hosting: a chunked character-bigram index.

Why not stock Sphinx search: it segments Japanese with TinySegmenter when
indexing but not the typed query (Sphinx #13395: 運用ノウハウ finds nothing,
運用 ノウハウ finds it), drops one-character words, and the book theme loads the
whole ``searchindex.js`` on every page.  Why not Pagefind: its index (Lindera)
and query (Intl.Segmenter) tokenizers disagree (Pagefind #1237), so katakana
compounds such as コネクションプール find nothing, and it falls back to
unrelated pages when nothing matches.  docs/tech/search.md has the numbers.

The index needs no segmenter at all: both sides NFKC-normalize and lowercase,
then cut runs of kanji/kana into overlapping two-character tokens (plus single
kanji/katakana) and Latin/digit runs into words.  ``_static/search.js``
implements the same rules; tests/test_search.py checks they agree.

Output, written at ``build-finished`` so ``make html`` and Read the Docs make it:
``_search/manifest.json`` (document count, shard count), ``_search/shard/<n>.json``
(postings of the tokens hashing to n: every document id, and the weights of the
highest postings; see :func:`techblog.search.index.postings_record`),
``_search/doc/<id>.json`` (title, URL, date, text for the snippet).  A query
fetches the manifest, one shard per distinct token and one document file per
shown result, whatever the blog size; a token's postings grow by a bit a
document at most.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import jinja2.ext
from sphinx.application import Sphinx
from sphinx.util import logging

from techblog import metadata
from techblog.content import jst, posts, registries
from techblog.core.problems import Problem, report
from techblog.search import index as search_index
from techblog.search.text import Page, average_length, doc_file, doc_weights, page_from_html, token_count

logger = logging.getLogger(__name__)
OUT_DIR = "_search"
TEMPLATES = Path(__file__).parent / "templates"


# -- Which pages: published posts and docs, read from the written HTML -----------


def indexable(app: Sphinx) -> list[str]:
    """The pages in the index, in document-id order: docs, then posts oldest first.

    A new post is usually the newest, so it takes the next id and the other
    ids stay (techblog.speedups.search_update then updates the index in place).  On
    equal scores the search page lists the higher id, the newer post, first.
    """
    catalog = posts.of(app)
    docs = sorted(d for d in app.env.found_docs if d.startswith("docs/"))
    # Drafts and scheduled posts are excluded from production builds; the live
    # preview builds them, but they never enter the index.
    published = [d for d in app.env.found_docs if d.startswith("posts/") and catalog.status(d) == "published"]
    return docs + sorted(published, key=lambda d: (catalog.all[d].date, d))


def page_fields(app: Sphinx, docname: str) -> tuple[str, str | None, str, list[str]]:
    """What the index shows of *docname* besides its text: URL, title (None: the H1), date, tag names."""
    meta = posts.of(app).all.get(docname)
    if meta is None:
        return app.builder.get_target_uri(docname), None, "", []
    tags = []
    regs = registries.of(app)
    for tag_id in meta.tags:
        entry = regs.tags.get(tag_id)
        if entry is not None:
            tags += [entry.label, *entry.extra.get("aliases", [])]
        else:
            tags.append(tag_id)
    return app.builder.get_target_uri(docname), meta.title or None, jst.japanese_date(meta.date), tags


def read_page(app: Sphinx, docname: str) -> Page | None:
    path = Path(app.outdir) / app.builder.get_target_uri(docname)
    if not path.is_file():
        return None
    return page_from_html(path.read_bytes(), *page_fields(app, docname))


# -- The index -------------------------------------------------------------------


def body_length(page: Page) -> int:
    return token_count(page.text) or 1


def write_index(out: Path, pages: list[Page], written: dict[str, str] | None = None,
                layout: dict | None = None) -> dict:
    """Write the chunked index of *pages* under *out*; return the manifest (see techblog.search.index)."""
    average = average_length([body_length(p) for p in pages])
    return search_index.write_index(out, len(pages), average, lambda doc_id: doc_weights(pages[doc_id], average),
                                    lambda doc_id: doc_file(pages[doc_id]), written, layout)


class IndexMaker:
    """How this build's index is made, step by step; a speedup may keep any step's answers."""

    def __init__(self, app: Sphinx):
        self.app = app

    def read_page(self, docname: str) -> Page | None:
        return read_page(self.app, docname)

    def body_length(self, page: Page) -> int:
        return body_length(page)

    def doc_weights(self, page: Page, average: float) -> list:
        return doc_weights(page, average)

    def doc_file(self, page: Page) -> bytes:
        return doc_file(page)

    def write_index(self, out: Path, pages: list[Page], written: dict[str, str] | None = None,
                    layout: dict | None = None) -> dict:
        average = average_length([self.body_length(p) for p in pages])
        return search_index.write_index(out, len(pages), average, lambda doc_id: self.doc_weights(pages[doc_id], average),
                                        lambda doc_id: self.doc_file(pages[doc_id]), written, layout)

    def make(self) -> tuple[list[Page], dict] | None:
        """Write the index of every indexable page; (pages, manifest)."""
        pages = [p for p in (self.read_page(d) for d in indexable(self.app)) if p is not None]
        return pages, self.write_index(Path(self.app.outdir) / OUT_DIR, pages)


# -- Sphinx wiring ---------------------------------------------------------------


class DropStockSearchScripts(jinja2.ext.Extension):
    """pydata-sphinx-theme's layout.html loads searchindex.js on every page
    (its as-you-type dialog); our search page needs none of it."""

    STOCK = re.compile(
        r"<script src=\"\{\{ pathto\('_static/searchtools\.js', 1\) \| e \}\}\"></script>\s*"
        r"<script src=\"\{\{ pathto\('_static/language_data\.js', 1\) \| e \}\}\"></script>\s*"
        r"<script src=\"\{\{ pathto\('searchindex\.js', 1\) \| e \}\}\"></script>")
    LAYOUT = "pydata_sphinx_theme/layout.html"

    def preprocess(self, source, name, filename=None):
        if filename and filename.replace("\\", "/").endswith(self.LAYOUT):
            source = self.STOCK.sub("", source)
        return source

    @classmethod
    def finds_stock_scripts(cls) -> bool:
        """Whether the installed theme's layout still has the lines to drop.

        Read from the file, not noted in ``preprocess``: a compiled layout kept
        between builds (techblog.speedups.template_cache) is not preprocessed again.
        """
        import pydata_sphinx_theme

        layout = Path(pydata_sphinx_theme.__file__).parent / "theme" / cls.LAYOUT
        return bool(cls.STOCK.search(layout.read_text(encoding="utf-8")))


def _config_inited(app: Sphinx, config) -> None:
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path = [*config.templates_path, str(TEMPLATES)]


def _builder_inited(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    # No stock index: it would cost the TinySegmenter pass and nobody reads it.
    app.builder.search = False
    app.builder.templates.environment.add_extension(DropStockSearchScripts)


def _page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # With the stock indexer off, hasdoc("search") is False and themes would hide
    # their search boxes and rel="search"; our own page exists.
    stock_hasdoc = context.get("hasdoc")
    if stock_hasdoc is not None:
        context["hasdoc"] = lambda name: name == "search" or stock_hasdoc(name)


def _search_page(app: Sphinx):
    if app.builder.format != "html":
        return
    yield "search", {"title": "検索"}, "techblog-search.html"


def _build_finished(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html" or app.builder.name != "html":
        return
    if not DropStockSearchScripts.finds_stock_scripts():
        report(app, Problem("conf.py", 0, "テーマの layout.html から標準検索の searchindex.js 読み込みを外せませんでした。"
                                          "テーマの版が変わった可能性があります。techblog/search/indexer.py の DropStockSearchScripts を直してください"))
    start = time.perf_counter()
    # ``techblog-search-index-maker`` may offer a maker that keeps its work between builds
    # (techblog.speedups.search_cache); None from make() means the index on disk is this build's.
    maker = app.emit_firstresult("techblog-search-index-maker") or IndexMaker(app)
    made = maker.make()
    if made is not None:
        pages, manifest = made
        logger.info("検索索引: %d ページ、%d シャード、%.1f 秒", len(pages), manifest["shards"], time.perf_counter() - start)


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.content.posts")
    app.add_event("techblog-search-index-maker")
    app.connect("config-inited", _config_inited, priority=600)
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _page_context)
    app.connect("html-collect-pages", _search_page)
    app.connect("build-finished", _build_finished)
    return metadata()
