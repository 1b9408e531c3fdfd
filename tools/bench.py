"""Benchmark: build the site with N generated Japanese posts and compare with stock.

    python tools/bench.py --posts 1000           (``make bench N=1000``)

The site is copied into a temporary folder, its sample posts are replaced by N
generated ones (registered authors, categories and tags; code blocks,
admonitions, a figure), and the table printed is:

- clean build, rebuild with nothing changed, rebuild after editing one post,
  rebuild after cutting a sentence from one post, rebuild after adding one
  post, rebuild after writing one draft (as ``make new-post`` does), rebuild
  after registering a new tag in ``data/tags.yml`` with a post using it (once)
  (seconds, wall clock; each rebuild is run three times, other posts each
  time, and the median shown);
- peak memory of the sphinx-build process tree (sum of PSS, sampled);
- output size and the weight of one post page (its HTML plus the CSS, JS,
  fonts and images it references, as a first visit would fetch them);
- how quick the machine was: a fixed loop of Python additions, timed before
  the clean build and after the rebuilds (about 3 s on the quiet machine of
  docs/tech/build-performance.md; a shared machine's load makes every row
  slower by about as much).  A third of that loop also runs right before each
  rebuild, and each rebuild row adds the median of the rebuild's time over
  its loop's, times the loop's time on the quiet machine: the rebuild at the
  quiet machine's speed, from a baseline measured seconds before it;
- the clean build of a stock site on the same posts: Sphinx + ablog +
  sphinx-book-theme + myst-parser set up as their documentation shows, with
  posts matched by ``blog_post_pattern`` and none of this project's code.

Only the ratio of one run means much: timings move with the machine's load,
and can drift within a run.  So the clean builds are compared in pairs, this
site's then the stock one's right after it (``--pairs``, 2 by default), and the
ratio shown is the median of the pairs' ratios, with each pair's.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-28T12:00:00+09:00"
REPEATS = 3  # runs of each rebuild measure (median)
LOOP = 30_000_000  # additions of the machine-speed loop: about 3 s on the quiet machine
SHORT_LOOP = LOOP // 3  # run before each rebuild
QUIET_SHORT_LOOP = 1.0  # seconds SHORT_LOOP takes on the quiet machine
COPY_IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", "tests", "test-artifacts", "node_modules",
                                     "__pycache__", ".pytest_cache", ".bench")

WORDS = [
    "監視", "アラート", "オンコール", "ポストモーテム", "データベース", "レプリケーション", "接続プール",
    "コンテナ", "ノード", "ロードバランサー", "証明書", "キャッシュ", "バックアップ", "リストア", "移行",
    "設計", "運用", "自動化", "手順書", "ダッシュボード", "メトリクス", "ログ", "トレース", "SLO",
    "エラーバジェット", "リリース", "ロールバック", "負荷試験", "容量計画", "権限", "秘密情報", "障害",
]
SENTENCES = [
    "{a}の{b}を見直した結果、夜間の呼び出しは半分以下になりました。",
    "最初は{a}だけを見ていましたが、実際の原因は{b}の設定にありました。",
    "{a}と{b}の関係を図にしてチームで共有したところ、議論が一気に進みました。",
    "本番環境で{a}を変更する前に、ステージングで{b}の挙動を必ず確認しています。",
    "{a}の手順を{b}として文書にまとめ、新しく入ったメンバーでも対応できるようにしました。",
    "この方法には{a}が増えるという欠点もありますが、{b}の見通しがよくなる利点のほうが大きいと判断しました。",
    "数字で見ると、{a}にかかる時間は月に約{n}時間から{m}時間に減っています。",
    "{a}のアラートが鳴ったら、まず{b}のダッシュボードを開くことにしています。",
]
CODE = [
    ("python", 'import psycopg\n\n\ndef active_connections(dsn: str) -> int:\n    """接続数を数える。"""\n'
               '    with psycopg.connect(dsn) as conn:\n        row = conn.execute(\n'
               '            "SELECT count(*) FROM pg_stat_activity WHERE state = %s", ("active",)\n'
               '        ).fetchone()\n    return row[0]\n'),
    ("bash", '#!/usr/bin/env bash\nset -euo pipefail\n\n# ノードを 1 台ずつ退避する\n'
             'for node in $(kubectl get nodes -l pool=blue -o name); do\n'
             '  kubectl drain "$node" --ignore-daemonsets --delete-emptydir-data --timeout=10m\ndone\n'),
    ("yaml", "groups:\n  - name: database\n    rules:\n      - alert: ConnectionsNearLimit\n"
             "        expr: pg_stat_activity_count / pg_settings_max_connections > 0.8\n        for: 5m\n"
             "        labels:\n          severity: page\n"),
    ("hcl", 'module "database" {\n  source        = "git::https://example.com/modules.git//database?ref=v3.2.0"\n'
            '  name          = "orders"\n  environment   = "production"\n  allowed_cidrs = ["198.51.100.0/24"]\n}\n'),
]
ADMONITIONS = ["note", "tip", "warning"]


def sentence(rng: random.Random) -> str:
    a, b = rng.sample(WORDS, 2)
    return rng.choice(SENTENCES).format(a=a, b=b, n=rng.randint(10, 40), m=rng.randint(1, 9))


def paragraph(rng: random.Random) -> str:
    return "".join(sentence(rng) for _ in range(rng.randint(3, 6)))


@dataclass
class Registries:
    authors: list[str]
    categories: list[str]
    tags: list[str]


def registries(site: Path) -> Registries:
    def keys(name: str) -> list[str]:
        return list(yaml.safe_load((site / "data" / f"{name}.yml").read_text(encoding="utf-8")) or {})
    return Registries(keys("authors"), keys("categories"), keys("tags"))


def post_text(rng: random.Random, regs: Registries, i: int, date: datetime, stock: bool) -> str:
    topic = rng.sample(WORDS, 2)
    title = f"{topic[0]}と{topic[1]}の話（その {i + 1}）"
    tags = rng.sample(regs.tags, rng.randint(1, 3))
    authors = rng.sample(regs.authors, 2 if rng.random() < 0.1 else 1)
    front = [
        "---",
        f"date: {date:%Y-%m-%d %H:%M}",
        # ablog's own reader (stock) wants comma-separated text; this site wants YAML lists.
        f"author: {', '.join(authors)}" if stock else f"author: [{', '.join(authors)}]",
        f"category: {rng.choice(regs.categories)}",
        f"tags: {', '.join(tags)}" if stock else f"tags: [{', '.join(tags)}]",
        "---",
        "",
        f"# {title}",
        "",
    ]
    body = [paragraph(rng), ""]
    lang, code = rng.choice(CODE)
    for n in range(rng.randint(2, 4)):
        body += [f"## {rng.choice(WORDS)}の{rng.choice(WORDS)}（{n + 1}）", "", paragraph(rng), "", paragraph(rng), ""]
        if n == 0:
            body += [f"```{lang}", code.rstrip("\n"), "```", ""]
        if n == 1:
            body += [f"```{{{rng.choice(ADMONITIONS)}}}", sentence(rng), "```", ""]
    body += ["```{figure} images/bench-figure.svg", ":alt: 構成の概要を示す図", "", "構成の概要。", "```", "",
             "## まとめ", "", paragraph(rng), ""]
    return "\n".join(front + body)


def cut_a_sentence(text: str) -> str:
    """*text* without the last sentence of its first paragraph of several sentences."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.count("。") >= 2 and not line.startswith(("#", "-", "`", ":")):
            lines[i] = line[: line.rstrip("。").rindex("。") + 1]
            break
    return "\n".join(lines)


def build_with_a_new_tag(site: Path, out: Path, args: list[str], regs: Registries, i: int) -> Run:
    """A tag added to ``data/tags.yml`` and a post using it, then a rebuild."""
    with (site / "data" / "tags.yml").open("a", encoding="utf-8") as tags:
        tags.write("\nベンチ用の新しいタグ:\n  label: ベンチ用の新しいタグ\n  slug: bench-new-tag\n")
    text = post_text(random.Random(299), regs, i, datetime(2026, 11, 28, 9, 0), False)
    text = re.sub(r"^tags: \[", "tags: [ベンチ用の新しいタグ, ", text, count=1, flags=re.M)
    (site / "posts" / "2026" / "bench-new-tag.md").write_text(text, encoding="utf-8")
    return rebuild(site, out, args)


def generate(site: Path, n: int, regs: Registries, stock: bool, seed: int = 6) -> list[Path]:
    """Write *n* posts under site/posts/<year>/; the same seed gives the same posts."""
    rng = random.Random(seed)
    start = datetime(2019, 1, 7, 10, 0)
    span = (datetime(2026, 11, 20, 10, 0) - start) / max(n, 1)
    figure = next(ROOT.glob("posts/*/images/*.svg"))
    written = []
    for i in range(n):
        date = start + span * i
        folder = site / "posts" / str(date.year)
        (folder / "images").mkdir(parents=True, exist_ok=True)
        if not (folder / "images" / "bench-figure.svg").exists():
            shutil.copy(figure, folder / "images" / "bench-figure.svg")
        path = folder / f"bench-{i:04d}.md"
        path.write_text(post_text(rng, regs, i, date, stock), encoding="utf-8")
        written.append(path)
    return written


STOCK_CONF = '''\
# Stock setup, as the ablog, MyST and sphinx-book-theme documentation show it.
project = "Stock blog"
language = "ja"
extensions = ["ablog", "myst_parser"]
html_theme = "sphinx_book_theme"
blog_post_pattern = "posts/*/*"
blog_baseurl = "https://stock.example/"
blog_title = "Stock blog"
exclude_patterns = ["_build"]
html_sidebars = {
    "**": ["navbar-logo.html", "search-field.html", "ablog/postcard.html", "ablog/recentposts.html",
           "ablog/tagcloud.html", "ablog/categories.html", "ablog/archives.html", "sbt-sidebar-nav.html"],
}
'''
STOCK_INDEX = "# Stock blog\n\n```{postlist} 10\n:excerpts:\n```\n"


def our_site(tmp: Path, n: int) -> tuple[Path, list[Path]]:
    site = tmp / "site"
    shutil.copytree(ROOT, site, ignore=COPY_IGNORE)
    for old in (site / "posts").rglob("*.md"):
        old.unlink()
    # A writer's checkout has the extensions' bytecode cached after its first build;
    # the copy gets it too, even where PYTHONDONTWRITEBYTECODE is set.
    compileall.compile_dir(site / "techblog", quiet=1)
    return site, generate(site, n, registries(site), stock=False)


def stock_site(tmp: Path, n: int, regs: Registries) -> Path:
    site = tmp / "stock"
    site.mkdir()
    (site / "conf.py").write_text(STOCK_CONF, encoding="utf-8")
    (site / "index.md").write_text(STOCK_INDEX, encoding="utf-8")
    generate(site, n, regs, stock=True)
    return site


class TreeMemory(threading.Thread):
    """Peak of the summed memory of a process and all its descendants.

    Each process counts its proportional set size (PSS: a page shared by n
    processes counts 1/n in each), so pages that forked read/write workers
    share with their parent are not counted twice as a sum of RSS would.
    """

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak, self.done = pid, interval, 0, False

    @staticmethod
    def _children() -> dict[int, list[int]]:
        tree: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(f"/proc/{entry.name}/stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                tree.setdefault(ppid, []).append(int(entry.name))
        return tree

    @staticmethod
    def _rss(pid: int) -> int:
        for name, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
            try:
                for line in Path(name).read_text().splitlines():
                    if line.startswith(key):
                        return int(line.split()[1]) * 1024
            except OSError:
                continue
        return 0

    def run(self) -> None:
        while not self.done:
            tree, todo, total = self._children(), [self.pid], 0
            while todo:
                pid = todo.pop()
                total += self._rss(pid)
                todo.extend(tree.get(pid, []))
            self.peak = max(self.peak, total)
            time.sleep(self.interval)


@dataclass
class Run:
    seconds: float
    cpu: float  # user + system seconds of the whole process tree
    peak: int
    returncode: int
    output: str
    loop: float | None = None  # seconds of SHORT_LOOP right before this build


def rebuild(src: Path, out: Path, args: list[str]) -> Run:
    """A rebuild, with the machine's speed measured right before it."""
    loop = reference_loop(SHORT_LOOP)
    run = build(src, out, args)
    run.loop = loop
    return run


def build(src: Path, out: Path, args: list[str]) -> Run:
    env = {**os.environ, "TECHBLOG_NOW": NOW, "PYTHONHASHSEED": "0"}
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", *args, str(src), str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=src, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    watch = TreeMemory(proc.pid)
    watch.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    watch.done = True
    watch.join()
    if proc.returncode:
        print(output[-4000:], file=sys.stderr)
    return Run(seconds, cpu, watch.peak, proc.returncode, output)


def scale_rows(out: Path, clean: Run, posts: int) -> list[tuple[str, str]]:
    """What grows with the number of posts: time per post, doctrees, the search index, the heaviest non-post page."""
    doctrees = out / ".doctrees"
    search = out / "_search"
    # Listings, the archive, home, author and tag pages: what grows with the number of posts (not posts, not docs).
    pages = [p for p in out.rglob("*.html")
             if not {"posts", "docs", ".doctrees", "_static"} & set(p.relative_to(out).parts)]
    heaviest = max(pages, key=lambda p: p.stat().st_size)
    over = sum(1 for p in pages if p.stat().st_size > 100 * 1024)
    return [
        ("clean build per post", f"{clean.seconds / posts * 1000:.1f} ms"),
        ("doctrees size", mb(sum(p.stat().st_size for p in doctrees.rglob("*") if p.is_file()))),
        ("search index", f"{mb(sum(p.stat().st_size for p in search.rglob('*') if p.is_file()))} in "
                         f"{sum(1 for p in search.rglob('*') if p.is_file()):,} files"),
        ("heaviest listing or index page", f"{heaviest.relative_to(out).as_posix()} {kb(heaviest.stat().st_size)} "
                                             f"({over} of {len(pages):,} such pages over 100 KB)"),
    ]


def search_rows(out: Path, queries: list[str]) -> list[tuple[str, str]]:
    from bench_search import browse  # tools/bench_search.py: Playwright and the machine's Chromium

    rows = []
    for query in queries:
        index_bytes, _, _, found = browse(out, "ours", query)
        rows.append((f"search download: {query}", f"{kb(index_bytes)} of index for {found} results shown"))
    return rows


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and ".doctrees" not in p.parts)


TAG = re.compile(r"<(link|script|img)\b([^>]*)>", re.I)
ATTR = re.compile(r'([\w:-]+)\s*=\s*"([^"]*)"')
FETCHED_LINKS = {"stylesheet", "preload", "modulepreload", "icon"}
COMPRESSED = {".html", ".css", ".js", ".svg", ".json", ".xml", ".txt"}


def assets(html: str) -> list[str]:
    """URLs a browser fetches for the page's link (stylesheet, preload, icon), script and img tags."""
    urls = []
    for tag, attrs in TAG.findall(html):
        found = dict(ATTR.findall(attrs))
        if tag.lower() == "link":
            if FETCHED_LINKS & set(found.get("rel", "").split()) and "href" in found:
                urls.append(found["href"])
        elif "src" in found:
            urls.append(found["src"])
    return urls


def transfer_size(path: Path) -> int:
    """Bytes on the wire as static hosting sends them: text gzip-compressed, fonts and images as they are."""
    data = path.read_bytes()
    return len(gzip.compress(data, 6, mtime=0)) if path.suffix in COMPRESSED else len(data)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
FONT_FACE = re.compile(r"@font-face\s*{[^}]*}", re.S)


def page_weight(out: Path, page: str) -> tuple[int, int, dict[str, int]]:
    """What a first visit to *page* fetches from the site: HTML, CSS (and what it imports), JS, images.

    Returns (bytes, bytes transferred with gzip, transferred bytes by kind).  Web fonts declared
    with ``@font-face`` are left out: a browser fetches a face only when text on the page uses it,
    which a static reading cannot tell (the theme's CSS declares icon fonts this site never uses).
    Lighthouse (``--lighthouse``) reports what a browser really fetched.
    """
    seen: dict[str, int] = {}

    def add(path: Path) -> None:
        key = path.resolve().as_posix()
        if key in seen or not path.is_file():
            return
        seen[key] = path.stat().st_size
        if path.suffix == ".css":
            css = path.read_text(encoding="utf-8", errors="replace")
            for url in CSS_URL.findall(FONT_FACE.sub("", css)):
                if not url.startswith(("data:", "http:", "https:", "#")):
                    add(path.parent / url.split("?")[0].split("#")[0])
            for url in re.findall(r"@import\s+['\"]([^'\"]+)['\"]", css):
                add(path.parent / url.split("?")[0])

    html_path = out / page
    add(html_path)
    for url in assets(html_path.read_text(encoding="utf-8")):
        if not url.startswith(("data:", "http:", "https:", "//")):
            add(html_path.parent / url.split("?")[0].split("#")[0])
    by_kind: dict[str, int] = {}
    wire = 0
    for key in seen:
        size = transfer_size(Path(key))
        wire += size
        kind = Path(key).suffix.lstrip(".") or "other"
        by_kind[kind] = by_kind.get(kind, 0) + size
    return sum(seen.values()), wire, by_kind


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return f"{os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable), {cpu}, {mem / 2**20:.1f} GiB RAM, Python {platform.python_version()}"


def reference_loop(additions: int = LOOP) -> float:
    """Seconds a fixed CPU-bound Python loop takes now: what the machine's load does to a build."""
    code = f"s = 0\nfor i in range({additions}):\n    s += i\n"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def median_secs(runs: list[Run]) -> str:
    ordered = sorted(runs, key=lambda r: r.seconds)
    middle = ordered[len(ordered) // 2]
    each = " / ".join(f"{r.seconds:.1f}" for r in runs)
    text = f"{middle.seconds:.1f} s (median of {len(runs)}: {each}; CPU {middle.cpu:.1f} s"
    if all(r.loop for r in runs):
        quiet = statistics.median(r.seconds / r.loop for r in runs) * QUIET_SHORT_LOOP
        text += f"; at the quiet machine's speed {quiet:.1f} s, loops " + " / ".join(f"{r.loop:.1f}" for r in runs)
    return text + ")"


def secs(run: Run) -> str:
    return f"{run.seconds:.1f} s (CPU {run.cpu:.1f} s)"


def clean_pair(site: Path, stock: Path, tmp: Path, ours: list[str], k: int) -> tuple[Run, Run]:
    """Clean builds of this site and of stock, one right after the other, into new folders."""
    results = []
    for src, args in ((site, ours), (stock, [])):
        out = tmp / f"pair-{k}-{src.name}"
        shutil.rmtree(out, ignore_errors=True)
        results.append(build(src, out, args))
        shutil.rmtree(out, ignore_errors=True)
    return results[0], results[1]


def ratio(pairs: list[tuple[Run, Run]]) -> str:
    """The median ratio of the pairs, with each pair's times (a drifting machine moves one pair, not all)."""
    ratios = [mine.seconds / theirs.seconds for mine, theirs in pairs]
    cpu = statistics.median(mine.cpu / theirs.cpu for mine, theirs in pairs)
    each = ", ".join(f"{mine.seconds:.1f} / {theirs.seconds:.1f} s = {mine.seconds / theirs.seconds:.2f}x"
                     for mine, theirs in pairs)
    return f"{statistics.median(ratios):.2f}x (CPU {cpu:.2f}x; median of {len(pairs)} pairs built back to back: {each})"


def mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB"


def kb(n: int) -> str:
    return f"{n / 1024:.0f} KB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--jobs", default=os.environ.get("BENCH_JOBS", "1"),
                        help="sphinx-build -j for this site, 1 as make html (the stock site is built serially: ablog forbids -j)")
    parser.add_argument("--no-stock", action="store_true", help="skip the stock build")
    parser.add_argument("--pairs", type=int, default=2,
                        help="clean builds of this site and of stock, back to back, for the ratio (median)")
    parser.add_argument("--lighthouse", action="store_true", help="also run Lighthouse on home and a post page")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument("--search-query", action="append", default=[],
                        help="measure the bytes the search page downloads for this query (repeatable; needs the test packages)")
    args = parser.parse_args(argv)

    tmp = args.keep or Path(tempfile.mkdtemp(prefix="techblog-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    for child in ("site", "stock"):
        shutil.rmtree(tmp / child, ignore_errors=True)
    try:
        return run(args, tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp: Path) -> int:
    print(f"machine: {machine()}")
    print(f"posts: {args.posts}, sphinx-build -j {args.jobs}, folder: {tmp}")
    site, written = our_site(tmp, args.posts)
    out = tmp / "site-html"
    shutil.rmtree(out, ignore_errors=True)
    ours = ["-j", str(args.jobs)] if args.jobs and str(args.jobs) != "1" else []
    rows: list[tuple[str, str]] = []

    loop_before = reference_loop()
    clean = build(site, out, ours)
    if clean.returncode:
        print("clean build failed", file=sys.stderr)
        return 1
    rows.append(("clean build", secs(clean)))
    if not args.no_stock:  # right after this site's clean build: the first pair
        stock = stock_site(tmp, args.posts, registries(site))
        stock_out = tmp / "stock-html"
        shutil.rmtree(stock_out, ignore_errors=True)
        base = build(stock, stock_out, [])
        # Before the rebuilds below add and edit posts: every pair builds the same posts.
        pairs = [(clean, base), *(clean_pair(site, stock, tmp, ours, k) for k in range(2, args.pairs + 1))]
    # Rebuilds take a few seconds, where a shared machine's noise is a large share:
    # each is run REPEATS times (other posts each time) and the median shown.
    noops = [rebuild(site, out, ours) for _ in range(REPEATS)]
    rows.append(("rebuild, nothing changed", median_secs(noops)))
    edits = []
    for k in range(REPEATS):
        edited = written[len(written) * (k + 1) // (REPEATS + 1)]
        edited.write_text(edited.read_text(encoding="utf-8") + "\n追記: 計測のために一文を足しました。\n", encoding="utf-8")
        edits.append(rebuild(site, out, ours))
    rows.append(("rebuild, one post edited", median_secs(edits)))
    cuts = []
    for k in range(REPEATS):  # the other common edit: a sentence taken out (its words may leave the search index)
        edited = written[len(written) * (2 * k + 1) // (2 * REPEATS + 2)]
        edited.write_text(cut_a_sentence(edited.read_text(encoding="utf-8")), encoding="utf-8")
        cuts.append(rebuild(site, out, ours))
    rows.append(("rebuild, one sentence cut from a post", median_secs(cuts)))
    adds = []
    regs = registries(site)
    for k in range(REPEATS):
        new = site / "posts" / "2026" / f"bench-added-{k + 1}.md"
        new.write_text(post_text(random.Random(99 + k), regs, args.posts + k,
                                 datetime(2026, 11, 27, 9 + k, 0), False), encoding="utf-8")
        adds.append(rebuild(site, out, ours))
    rows.append(("rebuild, one post added", median_secs(adds)))
    drafts = []
    for k in range(REPEATS):  # as make new-post starts a post
        draft = site / "posts" / "2026" / f"bench-draft-{k + 1}.md"
        text = post_text(random.Random(199 + k), regs, args.posts + REPEATS + k, datetime(2026, 11, 27, 15 + k, 0), False)
        draft.write_text(text.replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
        drafts.append(rebuild(site, out, ours))
    rows.append(("rebuild, one draft written", median_secs(drafts)))
    # A new tag must be registered before a post may use it: once, as every page is written again.
    tagged = [build_with_a_new_tag(site, out, ours, regs, args.posts + 2 * REPEATS)]
    rows.append(("rebuild, a tag registered and a post with it", median_secs(tagged)))
    runs = [clean, *noops, *edits, *cuts, *adds, *drafts, *tagged]
    rows.append(("machine speed (a Python loop, before / after)", f"{loop_before:.1f} s / {reference_loop():.1f} s"))
    rows.append(("peak memory (process tree)", mb(max(r.peak for r in runs))))
    rows.append(("output size", mb(folder_size(out))))
    post_page = next(out.glob("posts/2026/bench-*.html")).relative_to(out).as_posix()
    weight, wire, kinds = page_weight(out, post_page)
    rows.append(("post page weight", f"{kb(wire)} transferred (gzip), {kb(weight)} uncompressed ("
                 + ", ".join(f"{k} {kb(v)}" for k, v in sorted(kinds.items())) + ")"))
    home_weight, home_wire, _ = page_weight(out, "index.html")
    rows.append(("home page weight", f"{kb(home_wire)} transferred (gzip), {kb(home_weight)} uncompressed"))
    rows += scale_rows(out, clean, args.posts)
    if args.search_query:
        rows += search_rows(out, args.search_query)
    failed = [f"{name} {k + 1}" for name, group in (("no-op", noops), ("edit", edits), ("cut", cuts), ("add", adds),
                                                                    ("draft", drafts), ("tag", tagged))
              for k, r in enumerate(group) if r.returncode]

    if not args.no_stock:
        rows.append(("stock: clean build", secs(base) + ("" if base.returncode == 0 else " (failed)")))
        rows.append(("stock: peak memory", mb(base.peak)))
        rows.append(("stock: output size", mb(folder_size(stock_out))))
        stock_page = next(stock_out.glob("posts/2026/bench-*.html")).relative_to(stock_out).as_posix()
        stock_weight, stock_wire, _ = page_weight(stock_out, stock_page)
        rows.append(("stock: post page weight", f"{kb(stock_wire)} transferred (gzip), {kb(stock_weight)} uncompressed"))
        rows.append(("clean build / stock", ratio(pairs)))
        ours_peak = max(r.peak for r in [*runs, *(mine for mine, _ in pairs)])
        rows.append(("peak memory / stock", f"{ours_peak / max(theirs.peak for _, theirs in pairs):.2f}x"))

    if args.lighthouse:
        from lighthouse import audit  # tools/lighthouse.py
        largest_tag = max((out / "blog" / "tag").glob("*.html"), key=lambda p: p.stat().st_size).relative_to(out).as_posix()
        for name, page in (("home", "index.html"), ("post", post_page), ("all posts, page 1", "blog.html"),
                           ("largest tag", largest_tag), ("archive", "blog/archive.html")):
            rows.append((f"Lighthouse {name} (mobile)", audit(out, page, tmp)))

    width = max(len(name) for name, _ in rows)
    print()
    print(f"| {'measure'.ljust(width)} | value (wall clock; CPU = user + system of all processes) |")
    print(f"|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")
    if failed:
        print(f"\nrebuild failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
