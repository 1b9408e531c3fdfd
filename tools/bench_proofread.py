"""``make bench-proofread``: how long ``make proofread`` takes on the sample and on N generated posts.

The posts are the benchmark's (tools/bench.py: sentences of the sample posts in a new
order); the time is that of the command as a writer runs it, in a second process,
best of three, with the sample measured in the same run as the baseline.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def timed(root: Path) -> tuple[float, str]:
    best, summary = float("inf"), ""
    for _ in range(3):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "techblog.content.proofread", "--root", str(root)],
                              capture_output=True, text=True, cwd=ROOT, check=False)
        best = min(best, time.perf_counter() - start)
        summary = (done.stdout.strip().splitlines() or [""])[-1]
    return best, summary


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1000)
    args = parser.parse_args()
    sample_time, sample_summary = timed(ROOT)
    with tempfile.TemporaryDirectory() as folder:
        site, _ = bench.our_site(Path(folder), args.posts)
        generated_time, generated_summary = timed(site)
    print(f"サンプル: {sample_time:.2f} 秒  {sample_summary}")
    print(f"生成した記事 {args.posts} 本: {generated_time:.2f} 秒（サンプルの {generated_time / sample_time:.1f} 倍）  "
          f"{generated_summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
