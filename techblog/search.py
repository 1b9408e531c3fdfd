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
(postings of the tokens hashing to n), ``_search/doc/<id>.json`` (title, URL,
date, text for the snippet).  A query fetches the manifest, one shard per
distinct token and one document file per shown result, whatever the blog size.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

import jinja2.ext
from sphinx.application import Sphinx
from sphinx.util import logging

from . import jst, posts, registries
from .problems import Problem, report
from .search_text import Page, average_length, doc_file, doc_weights, encode, page_from_html, token_count

logger = logging.getLogger(__name__)
OUT_DIR = "_search"
TEMPLATES = Path(__file__).parent / "templates"
TARGET_SHARD_BYTES = 8 * 1024
MAX_SHARDS = 1 << 14



def shard_of(token: str, shards: int) -> int:
    """FNV-1a over code points, as search.js computes it."""
    h = 0x811C9DC5
    for ch in token:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h % shards


# -- Which pages: published posts and docs, read from the written HTML -----------


def indexable(app: Sphinx) -> list[str]:
    """The pages in the index, in document-id order: docs, then posts oldest first.

    A new post is usually the newest, so it takes the next id and the other
    ids stay (techblog.search_update then updates the index in place).  On
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


def shard_count(total: int) -> int:
    """One shard per ~8 KB of postings, a power of two: a query's download stays
    flat as the blog grows, only the number of files does."""
    shards = 1
    while shards < MAX_SHARDS and total / shards > TARGET_SHARD_BYTES:
        shards *= 2
    return shards


def postings_size(token: str, count: int) -> int:
    """What one token adds to the index size that sets the number of shards."""
    return len(token) + 4 + 8 * count if count else 0


class IndexFiles:
    """The files of one index: written only when their bytes changed, the rest removed at the end.

    *written* maps each file of the previous index to the digest of its bytes;
    it is updated in place by :meth:`finish`.
    """

    def __init__(self, out: Path, written: dict[str, str] | None):
        self.out = out
        self.written = written
        self.previous = dict(written or {}) if out.is_dir() else {}
        self.current: dict[str, str] = {}
        (out / "shard").mkdir(parents=True, exist_ok=True)
        (out / "doc").mkdir(exist_ok=True)

    def put(self, name: str, raw: bytes) -> None:
        self.current[name] = hashlib.sha1(raw).hexdigest()
        if self.previous.get(name) != self.current[name] or not (self.out / name).is_file():
            (self.out / name).write_bytes(raw)

    def keep(self, name: str) -> bool:
        """Keep a file of the previous index as it is; False when it is not there."""
        if name not in self.previous or not (self.out / name).is_file():
            return False
        self.current[name] = self.previous[name]
        return True

    def finish(self, docs: int, shards: int) -> dict:
        for folder in ("shard", "doc"):
            for entry in os.scandir(self.out / folder):
                if f"{folder}/{entry.name}" not in self.current:
                    os.unlink(entry.path)
        # "build" versions the file URLs, so a browser never mixes two builds' shards.
        build = hashlib.sha1("".join(f"{n} {d}\n" for n, d in sorted(self.current.items())).encode())
        manifest = {"version": 1, "docs": docs, "shards": shards, "build": build.hexdigest()[:12]}
        (self.out / "manifest.json").write_bytes(encode(manifest))
        if self.written is not None:
            self.written.clear()
            self.written.update(self.current)
        return manifest


def write_index(out: Path, pages: list[Page], written: dict[str, str] | None = None,
                layout: dict | None = None) -> dict:
    """Write the chunked index under *out*; return the manifest.

    Files whose bytes are the same as in the previous index (*written*, see
    :class:`IndexFiles`) are not written again.  *layout*, when given, receives
    the average length and postings size the files were made with
    (techblog.search_update updates them in place from that).
    """
    files = IndexFiles(out, written)
    average = average_length([body_length(p) for p in pages])
    index: dict[str, list[tuple[int, int]]] = {}
    for doc_id, page in enumerate(pages):
        for token, weight in doc_weights(page, average):
            index.setdefault(token, []).append((doc_id, weight))
    total = sum(postings_size(t, len(p)) for t, p in index.items())
    shards = shard_count(total)
    buckets: list[dict[str, list[int]]] = [{} for _ in range(shards)]
    for token in sorted(index):
        buckets[shard_of(token, shards)][token] = [n for pair in index[token] for n in pair]
    for n, bucket in enumerate(buckets):
        files.put(f"shard/{n}.json", encode(bucket))
    for doc_id, page in enumerate(pages):
        files.put(f"doc/{doc_id}.json", doc_file(page))
    if layout is not None:
        layout.update(average=average, total=total, shards=shards)
    return files.finish(len(pages), shards)


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
        between builds (techblog.template_cache) is not preprocessed again.
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
                                          "テーマの版が変わった可能性があります。techblog/search.py の DropStockSearchScripts を直してください"))
    start = time.perf_counter()
    pages = [p for p in (read_page(app, d) for d in indexable(app)) if p is not None]
    manifest = write_index(Path(app.outdir) / OUT_DIR, pages)
    logger.info("検索索引: %d ページ、%d シャード、%.1f 秒", len(pages), manifest["shards"], time.perf_counter() - start)


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.posts")
    app.connect("config-inited", _config_inited, priority=600)
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _page_context)
    app.connect("html-collect-pages", _search_page)
    app.connect("build-finished", _build_finished)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
