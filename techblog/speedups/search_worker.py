"""The search index's pages read and counted by a second process while Sphinx writes.

:mod:`techblog.search.indexer` reads every page of the index back from the written
HTML, counts and weighs its tokens and encodes its document file at the end
of the build: nine tenths of a 1,000-post build's index time, on one core
while the other is idle.  Here, a serial build
hands each page to ``python -m techblog.speedups.search_worker`` as soon as Sphinx has
written it; the worker reads and counts it while the next pages are written,
and gives back, at the end of the build, for each page: the file's size and
time, the :class:`~techblog.search.text.Page`, its token counts, its document
file, and its weights for the average length of the pages it read.
:mod:`techblog.speedups.search_cache` uses a result only while the file on disk still
has that size and time, and reads any other page itself, as before: the index
is the same either way (tests compare serial builds, which use the worker,
with ``-j`` builds, which do not).

In a clean serial build (every page of the index written, no index in the
output yet) the worker also writes the index files, into a folder of its own
beside the doctrees, while Sphinx writes the listings and feeds; the build
moves that folder into place only when the worker's pages, in the index's
order, are exactly the pages it would index itself.

The worker imports only :mod:`techblog.search.index`, :mod:`techblog.search.text`
and lxml (a tenth of a second, 18 MB), never Sphinx.  It is fed through a pipe
that is never allowed to block the build: what the pipe cannot take yet waits
in memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from techblog.search import index as search_index
from techblog.search.text import Page, average_length, body_counts, doc_file, doc_weights, pack, page_from_html, page_key, rounded_length, unpack

if TYPE_CHECKING:
    from sphinx.application import Sphinx

RESULTS = "techblog-search-pages.pickle"
LOG = "techblog-search-pages.log"
INDEX = "techblog-search-index.partial"


class Read(NamedTuple):
    """One page as the worker read it (the last three are None for a page without an article)."""

    mtime_ns: int
    size: int
    page: Page | None
    doc_file: bytes | None
    length: int | None = None
    average: float | None = None
    weights: tuple | None = None  # packed, for *average*


class BuiltIndex(NamedTuple):
    """The index files the worker wrote into *folder*, and what they were made of."""

    folder: Path
    keys: list[str]  # search_text.page_key of each document, by document id
    average: float
    manifest: dict
    written: dict[str, str]  # file -> digest, as search_index.IndexFiles keeps it
    layout: dict  # average, total and shards, as search_index.write_index gives them

    def move_to(self, out: Path, keys: list[str], average: float) -> bool:
        """Put the files in place as *out*, when they are the index of these pages; False otherwise."""
        if keys != self.keys or average != self.average:
            return False
        try:
            os.replace(self.folder, out)  # fails when *out* holds files: the worker never writes over an index
        except OSError:
            return False
        return True

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class Worker:
    """The second process of one build, and the pages sent to it.

    With *order* (the index's pages, by document id), the worker also writes
    the index files (see :class:`BuiltIndex`).
    """

    def __init__(self, app: Sphinx, docnames: set[str], order: list[str] | None = None):
        self.wanted = docnames
        self.results_path = Path(app.doctreedir) / RESULTS
        self.results_path.unlink(missing_ok=True)
        self.index_path = Path(app.doctreedir) / INDEX
        shutil.rmtree(self.index_path, ignore_errors=True)
        self.index: BuiltIndex | None = None
        self.log_path = Path(app.doctreedir) / LOG
        command = [sys.executable, "-m", "techblog.speedups.search_worker", str(self.results_path)]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command + ([str(self.index_path)] if order is not None else []),
                                            stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT,
                                            cwd=Path(__file__).resolve().parents[2])
        self.pipe = self.process.stdin.fileno()
        os.set_blocking(self.pipe, False)
        self.pending = bytearray()
        if order is not None:
            self.pending += json.dumps(order, ensure_ascii=False).encode() + b"\n"
            self._flush()

    def send(self, docname: str, path: Path, fields: tuple) -> None:
        self.pending += json.dumps([docname, str(path), *fields], ensure_ascii=False).encode() + b"\n"
        self._flush()

    def _flush(self) -> None:
        while self.pending:
            try:
                written = os.write(self.pipe, self.pending)
            except BlockingIOError:
                return  # the worker is behind; the rest goes with the next page
            except BrokenPipeError:
                self.pending.clear()  # the worker died: collect() finds no results
                return
            del self.pending[:written]

    def close_input(self) -> None:
        """No more pages: the worker finishes those it has while the build goes on."""
        if self.process.stdin.closed:
            return
        os.set_blocking(self.pipe, True)
        self._flush()
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass

    def collect(self) -> dict[str, Read]:
        """The pages the worker read, by docname (and the index it wrote, as :attr:`index`)."""
        self.close_input()
        try:
            if self.process.wait() != 0:
                raise OSError(self.log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:])
            results, index = _read_results(self.results_path)
        except (OSError, pickle.UnpicklingError, EOFError) as error:
            shutil.rmtree(self.index_path, ignore_errors=True)
            # The index is still right: techblog.speedups.search_cache reads every page itself.
            from sphinx.util import logging  # not at the top: the worker process runs without Sphinx

            logging.getLogger(__name__).info("検索索引: 別のプロセスが失敗したので、このプロセスでページを読みます（%s）", error)
            return {}
        self.results_path.unlink(missing_ok=True)
        self.log_path.unlink(missing_ok=True)
        self.index = None if index is None else BuiltIndex(self.index_path, **index)
        return results

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stdin is not None and not self.process.stdin.closed:
            try:
                self.process.stdin.close()
            except OSError:
                pass
        self.results_path.unlink(missing_ok=True)
        shutil.rmtree(self.index_path, ignore_errors=True)


def _read_results(path: Path) -> tuple[dict[str, Read], dict | None]:
    results = {}
    with path.open("rb") as f:
        while not isinstance(item := pickle.load(f), dict):
            docname, mtime_ns, size, page, doc_file = item
            results[docname] = Read(mtime_ns, size, page, doc_file)
    for docname, (length, weights) in item["weighed"].items():
        results[docname] = results[docname]._replace(length=length, average=item["average"], weights=weights)
    return results, item["index"]


_workers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def collect(app: Sphinx) -> tuple[dict[str, Read], BuiltIndex | None]:
    """What this build's worker read (empty when no worker ran) and the index it wrote.

    Called once, by techblog.speedups.search_cache, which moves the index into place or
    discards it.
    """
    worker = _workers.pop(app, None)
    if worker is None:
        return {}, None
    return worker.collect(), worker.index


def _builder_inited(app: Sphinx) -> None:
    if app.builder.format != "html" or app.builder.name != "html":
        return
    from techblog.search import indexer as search

    builder = app.builder
    write_documents, write_doc = builder.write_documents, builder.write_doc

    def documents(docnames) -> None:
        # With -j, Sphinx writes in forked processes; the index then reads the pages itself.
        order = search.indexable(app)
        wanted = set(order).intersection(docnames)
        if wanted and not builder.parallel_ok:
            # The worker writes the index only where nothing is to be kept or updated in place.
            clean = len(wanted) == len(order) and not (Path(app.outdir) / search.OUT_DIR).exists()
            _workers[app] = Worker(app, wanted, order if clean else None)
        try:
            write_documents(docnames)
        finally:
            worker = _workers.get(app)
            if worker is not None:
                worker.close_input()

    def doc(docname, doctree) -> None:
        write_doc(docname, doctree)
        page_written(app, docname)

    builder.write_documents, builder.write_doc = documents, doc


def page_written(app: Sphinx, docname: str) -> None:
    """Hand a page Sphinx has just written to the worker, when the index wants it."""
    from techblog.search import indexer as search

    worker = _workers.get(app)
    if worker is not None and docname in worker.wanted:
        url, title, date, tags = search.page_fields(app, docname)
        worker.send(docname, Path(app.outdir) / url, (url, title, date, tags))


def _build_finished(app: Sphinx, exception) -> None:
    worker = _workers.pop(app, None)  # not collected: the build failed before the index
    if worker is not None:
        worker.stop()


def weigh(page: Page, counts: tuple, average: float) -> tuple:
    """The page's weights for *average*, packed, from its packed token counts."""
    return pack(doc_weights(page, average, dict(unpack(counts))))


class Counted(NamedTuple):
    """One page's token counts, and its weights for the average length of the pages read until then."""

    page: Page  # without its text: the weights need the title and tags
    counts: tuple  # packed
    length: int
    average: float
    weights: tuple  # packed, for *average*

    def weights_for(self, average: float) -> tuple:
        return self.weights if average == self.average else weigh(self.page, self.counts, average)


class Weigher:
    """Counts pages as they come, and weighs each for the average so far.

    After the first pages the rounded average rarely moves, so most pages are
    weighed once, while Sphinx is still writing, and not at the end.
    """

    def __init__(self):
        self.counted: dict[str, Counted] = {}
        self.total = 0

    def add(self, docname: str, page: Page) -> None:
        counts = body_counts(page.text)
        length = sum(counts[1]) or 1
        self.total += length
        average = rounded_length(self.total / (len(self.counted) + 1))
        light = Page(page.url, page.title, page.date, page.tags, "")
        self.counted[docname] = Counted(light, counts, length, average, weigh(light, counts, average))

    def average(self) -> float:
        return average_length([c.length for c in self.counted.values()])


class EarlyDocs:
    """Document files written as their pages are read, at the id each page has when every page has an article.

    ``search_index.write_index`` then keeps those at their right place and
    writes the others (see :func:`_write_index`).
    """

    def __init__(self, folder: Path, order: list[str]):
        self.folder, self.ids = folder, {docname: doc_id for doc_id, docname in enumerate(order)}
        (folder / "doc").mkdir(parents=True, exist_ok=True)
        self.written: dict[str, str] = {}

    def put(self, docname: str, raw: bytes) -> None:
        if docname in self.ids:
            name = f"doc/{self.ids[docname]}.json"
            (self.folder / name).write_bytes(raw)
            self.written[name] = hashlib.sha1(raw).hexdigest()


def main(argv: list[str]) -> int:
    """Read the pages named on standard input, one JSON line each, into the results file argv[0].

    Each page goes to the file as soon as it is read, with its document file:
    ``(docname, mtime_ns, size, Page or None, document file)``.  Only the
    token counts and weights stay in memory.  The weights need the average
    length of all pages: each page is weighed for the average so far as it is
    read, and at the end (while Sphinx writes the listings and feeds) again
    where the average of all pages read differs.  The file closes with
    ``{"average": ..., "weighed": {docname: (length, weights)}, "index": ...}``.
    In a build that wrote every page of the index that average is the index's,
    and the build uses these weights; otherwise it weighs the pages itself.

    With a folder as argv[1], the first line is the index's docnames by
    document id, and the worker writes the index files into that folder;
    ``"index"`` then describes them (see :class:`BuiltIndex`).
    """
    target = Path(argv[0])
    partial = target.with_suffix(".partial")
    lines = iter(sys.stdin.buffer)
    order = json.loads(next(lines, b"[]")) if len(argv) > 1 else None
    early = EarlyDocs(Path(argv[1]), order) if order is not None else None
    weigher = Weigher()
    keys = {}  # docname -> page key, for the index files
    with partial.open("wb") as results:
        for line in lines:
            docname, path, url, title, date, tags = json.loads(line)
            try:
                stat = os.stat(path)
                page = page_from_html(Path(path).read_bytes(), url, title, date, tags)
                doc = doc_file(page) if page is not None else None
                if page is not None:
                    weigher.add(docname, page)
                    if early is not None:
                        keys[docname] = page_key(page)
                        early.put(docname, doc)
            except Exception:  # noqa: BLE001 - the build reads this page itself and reports what is wrong
                continue
            # Plain tuples: a class of this module would pickle as __main__'s.
            pickle.dump((docname, stat.st_mtime_ns, stat.st_size, page, doc), results, pickle.HIGHEST_PROTOCOL)
        average = weigher.average()
        weighed = {docname: (c.length, c.weights_for(average)) for docname, c in weigher.counted.items()}
        index = None if early is None else _write_index(early, order, keys, weighed, average)
        pickle.dump({"average": average, "weighed": weighed, "index": index}, results, pickle.HIGHEST_PROTOCOL)
    os.replace(partial, target)
    return 0


def _write_index(early: EarlyDocs, order: list[str], keys: dict, weighed: dict, average: float) -> dict:
    """The index of the pages read, in *order*: BuiltIndex's fields but the folder."""
    ids = [docname for docname in order if docname in keys]
    layout: dict = {}

    def doc_file(doc_id: int) -> bytes:
        # Written early at an id never below its own: the files are written by id, so an early
        # file is read before any other document's file can take its place.
        return (early.folder / "doc" / f"{early.ids[ids[doc_id]]}.json").read_bytes()

    manifest = search_index.write_index(early.folder, len(ids), average, lambda doc_id: unpack(weighed[ids[doc_id]][1]),
                                        doc_file, early.written, layout)
    return {"keys": [keys[docname] for docname in ids], "average": average, "manifest": manifest,
            "written": early.written, "layout": layout}


def install(patches, app: Sphinx) -> None:
    """Part of :mod:`techblog.speedups.search_cache`'s speedup (it collects what the worker read)."""
    patches.connect(app, "builder-inited", _builder_inited)
    patches.connect(app, "build-finished", _build_finished, priority=990)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
