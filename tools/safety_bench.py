"""Time the safety check alone on N posts: the sample posts and docs, repeated.

    .venv/bin/python tools/safety_bench.py --posts 1000

Each post is read and checked as a build does it (every rule, then the inline
suppressions), without Sphinx.  Timings move with the machine's load.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from techblog.safety import config  # noqa: E402
from techblog.safety.extension import scan  # noqa: E402
from techblog.safety.source import Source  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    args = parser.parse_args()
    files = sorted(p for p in [*ROOT.glob("posts/*/*.md"), *ROOT.glob("docs/**/*.md")])
    settings, _ = config.load(ROOT)
    extensions = frozenset({"colon_fence", "deflist", "fieldlist"})
    texts = [(f.relative_to(ROOT).as_posix(), f.read_text(encoding="utf-8")) for f in files]
    started = time.perf_counter()
    lines = findings = 0
    for rel, text in itertools.islice(itertools.cycle(texts), args.posts):
        result = scan(Source(rel, text, extensions), ROOT, settings)
        lines += text.count("\n") + 1
        findings += len(result.findings)
    took = time.perf_counter() - started
    print(f"{args.posts} posts, {lines} lines, {findings} findings: {took:.2f} s ({took / args.posts * 1000:.1f} ms a post)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
