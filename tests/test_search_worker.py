"""The second process that reads the search index's pages while Sphinx writes them."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from types import SimpleNamespace

from techblog.search import index as search_index
from techblog.search import text as search_text
from techblog.speedups import search_worker

from .sitebuild import ROOT, make_site, post, sphinx_build

ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>
<nav>サイドバーの文字</nav>
<article class="bd-article"><section><h1>見出し<a class="headerlink" href="#">#</a></h1>
<p>{body}</p><footer class="tb-post-footer">共有ボタン</footer></section></article></body></html>"""


def write_pages(folder: Path, bodies: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, body in enumerate(bodies):
        path = folder / f"p{n}.html"
        path.write_text(ARTICLE.format(body=body), encoding="utf-8")
        paths.append(path)
    return paths


def worker(tmp_path: Path, docnames: set[str], order: list[str] | None = None) -> search_worker.Worker:
    app = SimpleNamespace(doctreedir=str(tmp_path / "doctrees"))
    Path(app.doctreedir).mkdir(exist_ok=True)
    return search_worker.Worker(app, docnames, order)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_worker_gives_what_the_build_would_read_itself(tmp_path):
    bodies = ["コネクションプールの枯渇を PostgreSQL16 で調べた。", "", "監視 &amp; 運用 <code>max_connections</code>"]
    paths = write_pages(tmp_path / "out", bodies)
    w = worker(tmp_path, {f"p{n}" for n in range(len(paths))})
    for n, path in enumerate(paths):
        w.send(f"p{n}", path, (path.name, "記事のタイトル" if n else None, "2026年1月10日", ["障害対応"]))
    results = w.collect()

    assert sorted(results) == ["p0", "p1", "p2"]
    expected = [search_text.page_from_html(path.read_bytes(), path.name, "記事のタイトル" if n else None,
                                           "2026年1月10日", ["障害対応"]) for n, path in enumerate(paths)]
    average = search_text.average_length([search_text.token_count(p.text) or 1 for p in expected])
    for n, path in enumerate(paths):
        read, stat = results[f"p{n}"], path.stat()
        assert (read.mtime_ns, read.size) == (stat.st_mtime_ns, stat.st_size)
        assert read.page == expected[n]
        assert read.length == (search_text.token_count(read.page.text) or 1)
        assert read.doc_file == search_text.doc_file(read.page)
        assert read.average == average
        assert search_text.unpack(read.weights) == search_text.doc_weights(read.page, average)
    assert results["p0"].page.title == "見出し" and "サイドバー" not in results["p0"].page.text
    assert "共有ボタン" not in results["p0"].page.text
    assert not (tmp_path / "doctrees" / search_worker.RESULTS).exists()


def test_the_index_the_worker_writes_is_the_one_the_build_writes(tmp_path):
    bodies = ["コネクションプールの枯渇", "監視の話。" * 40, "PostgreSQL16 へ上げた", "運用の話"]
    paths = write_pages(tmp_path / "out", bodies)
    paths[1].write_text("<html><body><p>記事ではないページ</p></body></html>", encoding="utf-8")
    order = ["p3", "p1", "p0", "p2"]  # the index's order is not the order of writing
    w = worker(tmp_path, set(order), order)
    for n, path in enumerate(paths):
        w.send(f"p{n}", path, (path.name, None, "2026年1月10日", ["障害対応"]))
    w.collect()

    # The page without an article has no document: the ones after it move up one id.
    pages = [search_text.page_from_html(paths[n].read_bytes(), paths[n].name, None, "2026年1月10日", ["障害対応"])
             for n in (3, 0, 2)]
    keys = [search_text.page_key(p) for p in pages]
    average = search_text.average_length([search_text.token_count(p.text) or 1 for p in pages])
    written, layout = {}, {}
    want = search_index.write_index(tmp_path / "want", len(pages), average,
                                    lambda i: search_text.doc_weights(pages[i], average),
                                    lambda i: search_text.doc_file(pages[i]), written, layout)
    built = w.index
    assert (built.keys, built.average, built.manifest, built.written, built.layout) == (
        keys, average, want, written, layout)
    assert files(built.folder) == files(tmp_path / "want")
    assert "doc/3.json" not in files(built.folder)

    (tmp_path / "site").mkdir()
    assert not built.move_to(tmp_path / "site" / "_search", list(reversed(keys)), average)
    assert built.move_to(tmp_path / "site" / "_search", keys, average)
    assert files(tmp_path / "site" / "_search") == files(tmp_path / "want")
    assert not built.folder.exists()


def test_the_worker_never_writes_over_an_index(tmp_path):
    paths = write_pages(tmp_path / "out", ["本文"])
    w = worker(tmp_path, {"p0"}, ["p0"])
    w.send("p0", paths[0], (paths[0].name, None, "", []))
    w.collect()
    (tmp_path / "site" / "_search").mkdir(parents=True)
    (tmp_path / "site" / "_search" / "manifest.json").write_text("{}")
    built = w.index
    assert not built.move_to(tmp_path / "site" / "_search", built.keys, built.average)
    built.discard()
    assert not built.folder.exists()
    assert files(tmp_path / "site" / "_search") == {"manifest.json": b"{}"}


def test_a_worker_that_stops_reading_never_blocks_the_build(tmp_path):
    # 400 lines of 4 KB do not fit in a pipe (64 KB): with the worker stopped, a
    # blocking write would hang here.
    paths = write_pages(tmp_path / "out", ["本文"])
    w = worker(tmp_path, set())
    os.kill(w.process.pid, signal.SIGSTOP)
    try:
        sender = threading.Thread(target=lambda: [
            w.send(f"d{n}", paths[0], (paths[0].name, "長いタイトル" * 700, "", [])) for n in range(400)])
        sender.start()
        sender.join(timeout=20)
        assert not sender.is_alive(), "send() blocked on a full pipe"
        assert w.pending, "the test did not fill the pipe"
    finally:
        os.kill(w.process.pid, signal.SIGCONT)
    assert len(w.collect()) == 400


def test_a_failed_worker_leaves_the_pages_and_the_index_to_the_build(tmp_path):
    paths = write_pages(tmp_path / "out", ["本文"])
    w = worker(tmp_path, {"p0"}, ["p0"])
    w.send("p0", paths[0], (paths[0].name, None, "", []))
    w.process.kill()
    assert w.collect() == {}
    assert w.index is None
    assert not (tmp_path / "doctrees" / search_worker.INDEX).exists()


def test_serial_builds_read_the_index_pages_while_writing(tmp_path):
    posts = {f"posts/2026/p{n}.md": post(date=f"2026-01-{n + 10} 10:00", title=f"記事{n}",
                                          body=f"コネクションプール{n}の話。", h1=None) for n in range(3)}
    src = make_site(tmp_path / "site", posts)
    build = sphinx_build(src, tmp_path / "out")
    assert build.returncode == 0, build.output
    docs = len(list((tmp_path / "out" / "_search" / "doc").iterdir()))
    assert docs >= 3
    assert f"検索索引: {docs} ページは書き出しと並行して別のプロセスで読みました" in build.output
    assert "別のプロセスが失敗" not in build.output
    assert not list((tmp_path / "out").parent.rglob(search_worker.RESULTS))


def test_the_worker_imports_no_sphinx():
    import subprocess
    import sys

    code = "import sys, techblog.speedups.search_worker; print(any(m.split('.')[0] == 'sphinx' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"
