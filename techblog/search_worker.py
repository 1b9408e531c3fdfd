"""The search index's pages read and counted by a second process while Sphinx writes.

:mod:`techblog.search` reads every page of the index back from the written
HTML, counts and weighs its tokens and encodes its document file at the end
of the build: nine tenths of a 1,000-post build's index time, on one core
while the other is idle.  Here, a serial build
hands each page to ``python -m techblog.search_worker`` as soon as Sphinx has
written it; the worker reads and counts it while the next pages are written,
and gives back, at the end of the build, for each page: the file's size and
time, the :class:`~techblog.search_text.Page`, its token counts, its document
file, and its weights for the average length of the pages it read.
:mod:`techblog.search_cache` uses a result only while the file on disk still
has that size and time, and reads any other page itself, as before: the index
is the same either way (tests compare serial builds, which use the worker,
with ``-j`` builds, which do not).

The worker imports only :mod:`techblog.search_text` and lxml (a tenth of a
second, 18 MB), never Sphinx.  It is fed through a pipe that is never allowed
to block the build: what the pipe cannot take yet waits in memory.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .search_text import Page, average_length, body_counts, doc_file, doc_weights, pack, page_from_html, unpack

if TYPE_CHECKING:
    from sphinx.application import Sphinx

RESULTS = "techblog-search-pages.pickle"
LOG = "techblog-search-pages.log"


class Read(NamedTuple):
    """One page as the worker read it (the last three are None for a page without an article)."""

    mtime_ns: int
    size: int
    page: Page | None
    doc_file: bytes | None
    length: int | None = None
    average: float | None = None
    weights: tuple | None = None  # packed, for *average*


class Worker:
    """The second process of one build, and the pages sent to it."""

    def __init__(self, app: Sphinx, docnames: set[str]):
        self.wanted = docnames
        self.results_path = Path(app.doctreedir) / RESULTS
        self.results_path.unlink(missing_ok=True)
        self.log_path = Path(app.doctreedir) / LOG
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "techblog.search_worker", str(self.results_path)],
                                            stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT,
                                            cwd=Path(__file__).resolve().parent.parent)
        self.pipe = self.process.stdin.fileno()
        os.set_blocking(self.pipe, False)
        self.pending = bytearray()

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
        """The pages the worker read, by docname."""
        self.close_input()
        try:
            if self.process.wait() != 0:
                raise OSError(self.log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:])
            results = _read_results(self.results_path)
        except (OSError, pickle.UnpicklingError, EOFError) as error:
            # The index is still right: techblog.search_cache reads every page itself.
            from sphinx.util import logging  # not at the top: the worker process runs without Sphinx

            logging.getLogger(__name__).info("検索索引: 別のプロセスが失敗したので、このプロセスでページを読みます（%s）", error)
            return {}
        self.results_path.unlink(missing_ok=True)
        self.log_path.unlink(missing_ok=True)
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


def _read_results(path: Path) -> dict[str, Read]:
    results = {}
    with path.open("rb") as f:
        while not isinstance(item := pickle.load(f), dict):
            docname, mtime_ns, size, page, doc_file = item
            results[docname] = Read(mtime_ns, size, page, doc_file)
    for docname, (length, weights) in item["weighed"].items():
        results[docname] = results[docname]._replace(length=length, average=item["average"], weights=weights)
    return results


_workers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def collect(app: Sphinx) -> dict[str, Read]:
    """What this build's worker read (empty when no worker ran); called once, by techblog.search_cache."""
    worker = _workers.pop(app, None)
    return {} if worker is None else worker.collect()


def _builder_inited(app: Sphinx) -> None:
    if app.builder.format != "html" or app.builder.name != "html":
        return
    from . import search

    builder = app.builder
    write_documents, write_doc = builder.write_documents, builder.write_doc

    def documents(docnames) -> None:
        # With -j, Sphinx writes in forked processes; the index then reads the pages itself.
        wanted = set(search.indexable(app)).intersection(docnames)
        if wanted and not builder.parallel_ok:
            _workers[app] = Worker(app, wanted)
        try:
            write_documents(docnames)
        finally:
            worker = _workers.get(app)
            if worker is not None:
                worker.close_input()

    def doc(docname, doctree) -> None:
        write_doc(docname, doctree)
        worker = _workers.get(app)
        if worker is not None and docname in worker.wanted:
            url, title, date, tags = search.page_fields(app, docname)
            worker.send(docname, Path(app.outdir) / url, (url, title, date, tags))

    builder.write_documents, builder.write_doc = documents, doc


def _build_finished(app: Sphinx, exception) -> None:
    worker = _workers.pop(app, None)  # not collected: the build failed before the index
    if worker is not None:
        worker.stop()


def main(argv: list[str]) -> int:
    """Read the pages named on standard input, one JSON line each, into the results file argv[0].

    Each page goes to the file as soon as it is read, with its document file:
    ``(docname, mtime_ns, size, Page or None, document file)``.  Only the
    token counts stay in memory: the weights need the average length of all
    pages, so they are made at the end (while Sphinx writes the listings and
    feeds) for the average of the pages read, and close the file as
    ``{"average": ..., "weighed": {docname: (length, weights)}}``.  In a build
    that wrote every page of the index that average is the index's, and the
    build uses these weights; otherwise it weighs the pages itself.
    """
    target = Path(argv[0])
    partial = target.with_suffix(".partial")
    counted = {}
    with partial.open("wb") as results:
        for line in sys.stdin.buffer:
            docname, path, url, title, date, tags = json.loads(line)
            try:
                stat = os.stat(path)
                page = page_from_html(Path(path).read_bytes(), url, title, date, tags)
                doc = doc_file(page) if page is not None else None
                if page is not None:  # the weights need the title and tags, not the text
                    counted[docname] = (Page(url, page.title, date, tags, ""), body_counts(page.text))
            except Exception:  # noqa: BLE001 - the build reads this page itself and reports what is wrong
                continue
            # Plain tuples: a class of this module would pickle as __main__'s.
            pickle.dump((docname, stat.st_mtime_ns, stat.st_size, page, doc), results, pickle.HIGHEST_PROTOCOL)
        average = average_length([sum(counts[1]) or 1 for _, counts in counted.values()])
        weighed = {}
        for docname in list(counted):
            page, counts = counted.pop(docname)
            weighed[docname] = (sum(counts[1]) or 1, pack(doc_weights(page, average, dict(unpack(counts)))))
        pickle.dump({"average": average, "weighed": weighed}, results, pickle.HIGHEST_PROTOCOL)
    os.replace(partial, target)
    return 0


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.search")
    app.connect("builder-inited", _builder_inited)
    app.connect("build-finished", _build_finished, priority=990)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
