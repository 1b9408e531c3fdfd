"""The search index of the previous build, kept and updated instead of made again.

:mod:`techblog.search.indexer` reads every written page and weighs its tokens at the
end of each build.  Here pages and weights are kept between builds in the
doctree folder, keyed by the page file's size and time and by the page's text,
so only pages written again are read and weighed again (pages that
:mod:`techblog.speedups.search_worker` read and counted while they were written are
taken from it).  When no page changed
the index is not written at all; when a few changed, :mod:`techblog.speedups.search_update`
rewrites only their document files and the shards of their tokens; otherwise
the index is written in full, and only files whose bytes changed reach the disk.

The pages' text and weights (56 MB at 5,000 posts) are kept in one file per
folder of pages (``techblog-search-pages/``), and a page's are read only when
something reads them: a new post's build reads and writes the file of its own
folder, not the text of every page (0.2 s of reading and 0.3 s of writing).
The rest (each page's key, length and digest, the index's layout) is one small file.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import posixpath
from dataclasses import asdict
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from techblog.compat.patching import Patches
from techblog.content import posts
from techblog.core import buildstate, staleness
from techblog.core.perbuild import PerBuild
from techblog.search import indexer as search
from techblog.search import text as search_text
from techblog.speedups import search_update, search_worker
from techblog.speedups.layer import Speedup

logger = logging.getLogger(__name__)
SEARCH_CACHE = "techblog-search.pickle"
SEARCH_STAMP = "techblog-search-stamp.json"
SEARCH_CACHE_VERSION = 6  # 4: variant bigrams and the vocabulary; 5: listed postings and the rest; 6: shelves
SHELVES = "techblog-search-pages"  # a folder in the doctree folder: one file per folder of pages


def _folder(docname: str) -> str:
    return posixpath.dirname(docname)


class Shelves:
    """The pages' fields and weights of the last build, one file per folder of pages, each read when first asked."""

    def __init__(self, root: Path):
        self.root = root
        self.loaded: dict[str, dict] = {}

    def file(self, folder: str) -> Path:
        return self.root / f"{hashlib.sha1(folder.encode()).hexdigest()[:20]}.pickle"

    def get(self, folder: str) -> dict:
        shelf = self.loaded.get(folder)
        if shelf is None:
            saved = buildstate.load_pickle(self.file(folder))
            ok = saved.get("folder") == folder and saved.get("version") == SEARCH_CACHE_VERSION
            shelf = self.loaded[folder] = saved if ok else {"pages": {}, "weights": {}}
        return shelf

    def fields(self, docname: str, digest: str) -> tuple | None:
        """The fields of the page last kept under *docname*, when they are the ones of *digest*."""
        kept = self.get(_folder(docname))["pages"].get(docname)
        return kept[1] if kept is not None and kept[0] == digest else None


class StoredPage(search.Page):
    """A page of the last build, its fields read from its folder's shelf the first time one is read.

    A shelf without the page (a build stopped between writing the shelves and the rest) reads
    the page's file again, as a page not kept would be.
    """

    def __init__(self, shelves: Shelves, docname: str, digest: str, read_again):  # the fields come later
        self.__dict__["_source"] = (shelves, docname, digest, read_again)

    def __getattr__(self, name: str):
        source = self.__dict__.get("_source")
        if source is None or name.startswith("__"):
            raise AttributeError(name)
        shelves, docname, digest, read_again = source
        fields = shelves.fields(docname, digest)
        if fields is None:
            page = read_again()
            fields = (page.url, page.title, page.date, page.tags, page.text)
        del self.__dict__["_source"]
        search.Page.__init__(self, *fields)
        return getattr(self, name)


class OldWeights:
    """Last build's weights by (page digest, average), read from the shelf of the page's folder."""

    def __init__(self, shelves: Shelves, folders: dict[str, str]):
        self.shelves, self.folders = shelves, folders

    def _weights(self, key: tuple) -> dict:
        folder = self.folders.get(key[0])
        return {} if folder is None else self.shelves.get(folder)["weights"]

    def __contains__(self, key: tuple) -> bool:
        return key in self._weights(key)

    def __getitem__(self, key: tuple):
        return self._weights(key)[key]

    def get(self, key: tuple, default=None):
        return self._weights(key).get(key, default)


class SearchCache:
    """Pages, lengths and token weights of the previous build's search index, reused when unchanged."""

    def __init__(self, app: Sphinx, maker: search.IndexMaker, read_by_worker: dict | None = None,
                 built_by_worker: search_worker.BuiltIndex | None = None):
        self.maker = maker
        self.path = Path(app.doctreedir) / SEARCH_CACHE
        saved = buildstate.load_pickle(self.path)
        if saved.get("version") != SEARCH_CACHE_VERSION:
            saved = {}
        self.shelves = Shelves(Path(app.doctreedir) / SHELVES)
        self.old_page_keys: dict = saved.get("page_keys", {})  # by page (file and front matter): its digest
        self.old_lengths = saved.get("lengths", {})
        self.old_weights = OldWeights(self.shelves, {digest: _folder(key[0]) for key, digest in self.old_page_keys.items()})
        self.old_signature, self.manifest = saved.get("signature"), saved.get("manifest")
        self.average: float | None = None
        self.written: dict[str, str] = saved.get("written", {})
        self.layout = search_update.Layout(**saved.get("layout", {}))
        self.pages: dict = {}
        self.lengths: dict = {}
        self.weights: dict = {}
        self.signature = None
        self._keys: dict[int, tuple] = {}
        # From the worker, by page key: body length and document file; by (page key, average): weights.
        self.read_by_worker = read_by_worker or {}
        self.built_by_worker = built_by_worker
        self.worker_lengths: dict[str, int] = {}
        self.doc_files: dict[str, bytes] = {}
        self.worker_weights: dict[tuple, tuple] = {}
        self.data_stamp = staleness.inputs_digest(app)  # registries show in page text (tag labels)
        self.catalog = posts.of(app).all

    def read_page(self, read, app: Sphinx, docname: str):
        try:  # a string path: 5,000 pages a build
            stat = os.stat(os.path.join(app.outdir, app.builder.get_target_uri(docname)))
        except OSError:
            return read(app, docname)
        meta = self.catalog.get(docname)
        key = (docname, stat.st_mtime_ns, stat.st_size, self.data_stamp, repr((meta.date, meta.tags)) if meta else "")
        page = None
        if key in self.old_page_keys:  # hashing every page's text took 0.2 s at 5,000 posts
            page = StoredPage(self.shelves, docname, self.old_page_keys[key], lambda: read(app, docname))
            self._keys[id(page)] = (page, self.old_page_keys[key])
        if page is None:
            page = self._from_worker(docname, stat)
        if page is None:
            page = read(app, docname)
        self.pages[key] = page
        return page

    def _from_worker(self, docname: str, stat):
        """The worker's page, while the file is still the one it read."""
        read = self.read_by_worker.get(docname)
        if read is None or (read.mtime_ns, read.size) != (stat.st_mtime_ns, stat.st_size) or read.page is None:
            return None
        key = self.key(read.page)
        self.doc_files[key] = read.doc_file
        if read.weights is not None:
            self.worker_lengths[key], self.worker_weights[(key, read.average)] = read.length, read.weights
        return read.page

    def key(self, page) -> str:
        """A digest of the page, computed once per page object (lengths, weights and the layout all use it)."""
        known = self._keys.get(id(page))
        if known is None or known[0] is not page:
            known = self._keys[id(page)] = (page, search_text.page_key(page))
        return known[1]

    @staticmethod
    def _known(key, kept: dict, earlier: tuple[dict, ...], compute):
        """*kept*[key]: from this build, else the last build's or the worker's value, else computed now."""
        if key not in kept:
            found = [values[key] for values in earlier if key in values]
            kept[key] = found[0] if found else compute()
        return kept[key]

    def body_length(self, body_length, page) -> int:
        return self._known(self.key(page), self.lengths, (self.old_lengths, self.worker_lengths),
                           lambda: body_length(page))

    def doc_weights(self, doc_weights, page, average: float) -> list:
        packed = self._known((self.key(page), average), self.weights, (self.old_weights, self.worker_weights),
                             lambda: search_text.pack(doc_weights(page, average)))
        return search_text.unpack(packed)

    def forget_worker(self) -> None:
        """Drop what the worker gave once the index is written (the end of the build is its memory peak)."""
        self.read_by_worker, self.worker_lengths, self.doc_files, self.worker_weights = {}, {}, {}, {}
        if self.built_by_worker is not None:  # the index was kept, or written by this process
            self.built_by_worker.discard()
            self.built_by_worker = None

    def doc_file(self, doc_file, page) -> bytes:
        known = self.doc_files.get(self.key(page))
        return known if known is not None else doc_file(page)

    def write_index(self, write_index, out: Path, pages: list) -> dict:
        """The index of the previous build when no page changed; else updated, or written in full."""
        keys = [self.key(p) for p in pages]
        self.signature = hashlib.sha256("\n".join(keys).encode()).hexdigest()
        manifest_file = out / "manifest.json"
        if (self.signature == self.old_signature and self.manifest and manifest_file.is_file()
                and json.loads(manifest_file.read_text(encoding="utf-8")) == self.manifest):
            self.lengths = self.old_lengths  # still this build's; the weights stay in their shelves
            return self.manifest
        average = self.average = search.average_length([self.maker.body_length(p) for p in pages])
        if self._move_worker_index(out, keys, average):
            return self.manifest
        old_keys = self.layout.keys

        def kept(doc_id: int):
            return self.old_weights.get((old_keys[doc_id], average))

        def old_weights(doc_id: int):
            stored = kept(doc_id)
            return None if stored is None else search_text.unpack(stored)

        def old_weights_of(doc_id: int, tokens: list[str]):
            stored = kept(doc_id)
            return None if stored is None else search_text.unpacked_some(stored, tokens)

        self.manifest = search_update.update(out, pages, keys, average, self.layout, old_weights,
                                             lambda doc_id: self.maker.doc_weights(pages[doc_id], average), self.written,
                                             old_weights_of)
        if self.manifest is None:
            layout: dict = {}
            self.manifest = write_index(out, pages, self.written, layout)
            self.layout = search_update.Layout(keys=keys, **layout)
        return self.manifest

    def _move_worker_index(self, out: Path, keys: list[str], average: float) -> bool:
        """Take the index the worker wrote, when it is the index of these pages (it is discarded otherwise)."""
        built, self.built_by_worker = self.built_by_worker, None
        if built is None:
            return False
        if not built.move_to(out, keys, average):
            built.discard()
            return False
        self.manifest = built.manifest
        self.written.clear()
        self.written.update(built.written)
        self.layout = search_update.Layout(keys=list(keys), **built.layout)
        for key in keys:  # kept for the next build, as a full write keeps them
            weights = self.worker_weights.get((key, average))
            if weights is not None:
                self.weights[(key, average)] = weights
        logger.info("検索索引: 索引のファイルも別のプロセスが書きました")
        return True

    def save(self) -> None:
        page_keys = {key: self.key(p) for key, p in self.pages.items()}
        data = {"version": SEARCH_CACHE_VERSION, "lengths": self.lengths, "page_keys": page_keys,
                "signature": self.signature, "manifest": self.manifest, "written": self.written,
                "layout": asdict(self.layout)}
        self._save_shelves(page_keys)
        self.path.write_bytes(pickle.dumps(data, pickle.HIGHEST_PROTOCOL))

    def _save_shelves(self, page_keys: dict) -> None:
        """Write the shelf of each folder whose pages or weights changed; delete those of folders gone.

        A page written again with the same text (its related posts changed) leaves its shelf as it
        was.  A page keeps its weights for this build's average, weighed now or in an earlier build.
        """
        now: dict[str, dict[str, tuple]] = {}  # folder -> docname -> (page key, digest)
        for key, digest in page_keys.items():
            now.setdefault(_folder(key[0]), {})[key[0]] = (key, digest)
        before: dict[str, dict[str, str]] = {}
        for key, digest in self.old_page_keys.items():
            before.setdefault(_folder(key[0]), {})[key[0]] = digest
        self.shelves.root.mkdir(parents=True, exist_ok=True)
        for folder, docs in now.items():
            digests = {docname: digest for docname, (_, digest) in docs.items()}
            if digests == before.get(folder) and not any((d, self.average) in self.weights for d in digests.values()):
                continue  # the same pages with the same text, none weighed again: the shelf is as it was
            pages, weights = {}, {}
            for docname, (key, digest) in docs.items():
                page = self.pages[key]
                pages[docname] = (digest, (page.url, page.title, page.date, page.tags, page.text))
                stored = self.weights.get((digest, self.average)) or self.old_weights.get((digest, self.average))
                if stored is not None:
                    weights[(digest, self.average)] = stored
            self.shelves.file(folder).write_bytes(pickle.dumps(
                {"version": SEARCH_CACHE_VERSION, "folder": folder, "pages": pages, "weights": weights},
                pickle.HIGHEST_PROTOCOL))
        for folder in before.keys() - now.keys():
            self.shelves.file(folder).unlink(missing_ok=True)


class Stamp:
    """Which pages the index on disk was made of: when no page of it was written
    since, the index is the same and the cache is not even loaded."""

    def __init__(self, app: Sphinx):
        self.path = Path(app.doctreedir) / SEARCH_STAMP
        self.pages = search.indexable(app)
        self.value = hashlib.sha256(repr((self.pages, staleness.inputs_digest(app))).encode()).hexdigest()
        self.manifest = Path(app.outdir) / search.OUT_DIR / "manifest.json"

    def unchanged(self, app: Sphinx) -> bool:
        written = _written.get(app)
        if written is None or written.intersection(self.pages):
            return False
        saved, manifest = buildstate.load_json(self.path), buildstate.load_json(self.manifest)
        return bool(manifest) and saved.get("stamp") == self.value and saved.get("manifest") == manifest

    def save(self) -> None:
        manifest = json.loads(self.manifest.read_bytes())
        self.path.write_text(json.dumps({"stamp": self.value, "manifest": manifest}), encoding="utf-8")


_written: PerBuild[set[str]] = PerBuild()


def _record_written(app: Sphinx) -> None:
    """Note the documents Sphinx writes in this build (in the main process, also with ``-j``)."""
    _written.set(app, set())  # Sphinx skips write_documents when there is nothing to write
    write_documents = app.builder.write_documents

    def recording(docnames) -> None:
        _written.set(app, set(docnames))
        return write_documents(docnames)

    app.builder.write_documents = recording


class CachedIndexMaker(search.IndexMaker):
    """The product's steps, each answered from the previous build's index where it still holds."""

    def __init__(self, app: Sphinx):
        super().__init__(app)
        self.stamp = Stamp(app)
        self.cache: SearchCache | None = None

    def read_page(self, docname: str):
        return self.cache.read_page(lambda app, d: search.IndexMaker.read_page(self, d), self.app, docname)

    def body_length(self, page) -> int:
        return self.cache.body_length(search.body_length, page)

    def doc_weights(self, page, average: float) -> list:
        return self.cache.doc_weights(search.doc_weights, page, average)

    def doc_file(self, page) -> bytes:
        return self.cache.doc_file(search.doc_file, page)

    def write_index(self, out: Path, pages: list, written=None, layout=None) -> dict:
        return self.cache.write_index(lambda o, p, w, lay: search.IndexMaker.write_index(self, o, p, w, lay), out, pages)

    def make(self):
        app = self.app
        if self.stamp.unchanged(app):
            return None
        self.stamp.path.unlink(missing_ok=True)
        self.cache = SearchCache(app, self, *search_worker.collect(app))
        made = super().make()
        if self.cache.doc_files:
            logger.info("検索索引: %d ページは書き出しと並行して別のプロセスで読みました", len(self.cache.doc_files))
        self.cache.forget_worker()
        self.cache.save()
        self.stamp.save()
        return made


def _install(patches: Patches, app: Sphinx) -> None:
    search_worker.install(patches, app)
    patches.connect(app, "builder-inited", _record_written)
    patches.connect(app, "techblog-search-index-maker", lambda app: CachedIndexMaker(app) if _usable(app) else None)


def _usable(app: Sphinx) -> bool:
    return app.builder.format == "html" and app.builder.name == "html"


# It and the worker wrap the builder's write_documents and write_doc.
SPEEDUP = Speedup("search_cache", {"sphinx": "9.0.4"}, _install)
