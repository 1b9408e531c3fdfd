"""Measure search at blog scale: our bigram index versus stock Sphinx search.

    .venv/bin/python tools/bench_search.py [--posts 1000] [--keep DIR] [--only ours] [--query Q ...]

Generates N Japanese posts (sentences of the sample posts, shuffled with a fixed
seed) into a temporary copy of the site, builds it three ways -- no search,
stock Sphinx search, ours -- and prints, for each: build time, index size on
disk, bytes the search page downloads for one query, and time to first result
in Debian's Chromium.  Single runs on a shared machine: read ratios, not
absolutes.  Pagefind (``pagefind_bin_extended``) is measured too when installed.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM_ARGS, StaticServer, chromium_path  # noqa: E402

QUERIES = ["PostgreSQL", "データベース移行"]
NO_SEARCH_EXT = '''
def _off(app):
    if app.builder.format == "html":
        app.builder.search = False

def setup(app):
    app.connect("builder-inited", _off)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
'''


def sentences() -> list[str]:
    out = []
    for path in sorted((ROOT / "posts").glob("*/*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[2]
        body = re.sub(r"```.*?```", "", body, flags=re.S)
        for line in body.splitlines():
            if line and not line.startswith(("#", "|", ":", "-", "[", "!", "<", " ", "`")):
                # Links and footnote marks would point nowhere in the generated site.
                line = re.sub(r"\[\^[^\]]*\]", "", re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line))
                out += [s + "。" for s in line.split("。") if len(s) > 10 and not re.search(r"[{}<>`]", s)]
    return out


def make_site(dest: Path, posts: int, mode: str) -> None:
    for name in ("conf.py", "index.md"):
        shutil.copy(ROOT / name, dest / name)
    for folder in ("data", "_static", "_templates", "locales", "docs"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, dest / folder)
    conf = dest / "conf.py"
    if mode != "ours":
        text = conf.read_text(encoding="utf-8").replace('    "techblog.search",\n', "")
        if mode == "none":
            (dest / "bench_nosearch.py").write_text(NO_SEARCH_EXT, encoding="utf-8")
            text += '\nextensions.append("bench_nosearch")\n'
        conf.write_text(text, encoding="utf-8")
    data = {k: yaml.safe_load((ROOT / "data" / f"{k}.yml").read_text(encoding="utf-8")) for k in ("authors", "categories", "tags")}
    pool, rng = sentences(), random.Random(1000)
    for i in range(posts):
        day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} 10:00"
        tags = rng.sample(sorted(data["tags"]), 2)
        title = "".join(rng.sample(pool, 1))[:30].rstrip("。") + f"（{i}）"
        body = "\n\n".join(" ".join(rng.sample(pool, 4)) for _ in range(8))
        text = (f"---\ndate: {day}\nauthor: {rng.choice(sorted(data['authors']))}\ncategory: {rng.choice(sorted(data['categories']))}\n"
                f"tags: [{', '.join(tags)}]\n---\n\n# {title}\n\n{body}\n")
        path = dest / "posts" / "2025" / f"bench-{i:04d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def build(src: Path) -> tuple[float, float | None]:
    """(seconds for the whole build, seconds of our index step as the build logs it)."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-E", "-b", "html", str(src), str(src / "_build")],
                          capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "TECHBLOG_NOW": "2026-06-01T10:00:00+09:00"})
    if proc.returncode != 0:
        sys.exit(proc.stdout[-3000:] + proc.stderr[-3000:])
    step = re.search(r"検索索引: .*、([0-9.]+) 秒", proc.stdout)
    return time.perf_counter() - start, float(step.group(1)) if step else None


def size(paths) -> tuple[int, int]:
    raw = [p.read_bytes() for p in paths]
    return sum(map(len, raw)), sum(len(gzip.compress(r, 6)) for r in raw)


def browse(out: Path, mode: str, query: str) -> tuple[int, int, float, int]:
    """(bytes of index files fetched, bytes of the whole page, ms to the first result, results shown)."""
    from playwright.sync_api import sync_playwright

    server = StaticServer(out)
    index_bytes = page_bytes = 0
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page()
            bodies: list[tuple[str, int]] = []
            page.on("requestfinished", lambda r: bodies.append((r.url, r.sizes()["responseBodySize"])))
            if mode == "pagefind":
                page.goto(server.url + "index.html")
                bodies.clear()
                ms, found = page.evaluate("""async (q) => { const t = performance.now(); const pf = await import('/pagefind/pagefind.js');
                    const s = await pf.search(q); if (s.results.length) await s.results[0].data();
                    return [performance.now() - t, s.results.length]; }""", query)
            else:
                page.goto(f"{server.url}search.html?q={quote(query)}")
                page.wait_for_function("""() => document.querySelector('#search-results li')
                    || document.querySelector('#search-results[data-state=done]')
                    || document.querySelector('#search-results .search-summary')?.textContent.trim()""", timeout=60000)
                ms = page.evaluate("performance.now()")
                found = page.locator("#search-results li").count()
            page.wait_for_timeout(300)
            browser.close()
        for url, n in bodies:
            page_bytes += n
            if re.search(r"searchindex\.js|/_search/|/pagefind/(?!pagefind-ui)", url):
                index_bytes += n
    finally:
        server.close()
    return index_bytes, page_bytes, ms, found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--only", choices=("ours",), help="build only this site (no build-time comparison)")
    parser.add_argument("--query", action="append", help=f"a query to measure (repeatable; default {QUERIES})")
    args = parser.parse_args()
    queries = args.query or QUERIES
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-search-"))
    rows = {}
    for mode in ("ours",) if args.only else ("none", "stock", "ours"):
        src = work / mode
        shutil.rmtree(src, ignore_errors=True)
        src.mkdir(parents=True)
        make_site(src, args.posts, mode)
        total, step = build(src)
        rows[mode] = {"build": total, "step": step, "out": src / "_build"}
        print(f"{mode}: built in {rows[mode]['build']:.1f} s", flush=True)
    ours_out = rows["ours"]["out"]
    if "stock" in rows:
        rows["stock"]["index"] = size([rows["stock"]["out"] / "searchindex.js"])
    rows["ours"]["index"] = size(list((ours_out / "_search").rglob("*.json")))
    try:
        if "none" not in rows:
            raise ImportError
        import pagefind_bin_extended  # noqa: F401

        binary = Path(pagefind_bin_extended.__file__).parent / "pagefind_extended"
        out = rows["none"]["out"]
        start = time.perf_counter()
        subprocess.run([str(binary), "--site", str(out), "--output-subdir", "pagefind"], check=True, capture_output=True)
        elapsed = time.perf_counter() - start
        rows["pagefind"] = {"build": rows["none"]["build"] + elapsed, "out": out, "step": elapsed,
                            "index": size([p for p in (out / "pagefind").rglob("*") if p.is_file() and "-ui" not in p.name])}
    except ImportError:
        pass
    base = rows["none"]["build"] if "none" in rows else 0.0
    print(f"\n{args.posts} generated posts; build without search: {base:.1f} s\n")
    modes = [m for m in ("stock", "ours", "pagefind") if m in rows]
    print("| | " + " | ".join({"stock": "stock Sphinx", "ours": "ours", "pagefind": "Pagefind"}[m] for m in modes) + " |")
    cells = {m: {} for m in modes}
    for m in modes:
        raw, gz = rows[m]["index"]
        cells[m]["size"] = f"{raw / 1024:,.0f} KB ({gz / 1024:,.0f} KB gzip)"
        cells[m]["build"] = f"{rows[m]['build'] - base:+.1f} s"
        if rows[m].get("step") is not None:
            cells[m]["build"] += f" (index step itself {rows[m]['step']:.1f} s)"
        for q in queries:
            idx, total, ms, found = browse(rows[m]["out"], m, q)
            cells[m][f"index bytes for 「{q}」"] = f"{idx / 1024:,.1f} KB (whole page {total / 1024:,.0f} KB)"
            cells[m][f"time to result 「{q}」"] = f"{ms:,.0f} ms ({found} shown)"
    for key in cells[modes[0]]:
        print(f"| {key} | " + " | ".join(cells[m][key] for m in modes) + " |")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
