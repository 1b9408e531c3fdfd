"""Lighthouse (mobile) scores of a built page, for ``tools/bench.py --lighthouse``.

Lighthouse comes from npm into ``.bench/lighthouse`` (not committed) and drives
the machine's Chromium (``CHROME_PATH``, default /usr/bin/chromium); the site is
served on 127.0.0.1 so nothing leaves the machine, with text compressed (gzip)
as static hosting such as Read the Docs sends it.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import statistics
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION = "12.2.3"
FOLDER = ROOT / ".bench" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def install() -> Path:
    cli = FOLDER / "node_modules" / ".bin" / "lighthouse"
    if not cli.exists():
        FOLDER.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--save-exact", "--no-audit", "--no-fund", "--prefix", str(FOLDER), f"lighthouse@{VERSION}"],
                       check=True, capture_output=True)
    return cli


COMPRESSED = {".html", ".css", ".js", ".svg", ".json", ".xml", ".txt"}


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files, text gzip-compressed when the browser accepts it."""

    def log_message(self, format, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in COMPRESSED or not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


RUNS = 3


def audit(out: Path, page: str, tmp: Path, runs: int = RUNS) -> str:
    """Scores of *page*: the median of *runs* runs per category, as Lighthouse's
    documentation advises (one run's performance score moves by several points
    with the moment a script's task lands)."""
    cli = install()
    handler = functools.partial(QuietHandler, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    results = []
    try:
        for run in range(runs):
            report = tmp / f"lighthouse-{page.replace('/', '_')}-{run}.json"
            env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
            subprocess.run([str(cli), f"http://127.0.0.1:{server.server_port}/{page}", "--quiet", "--output=json",
                            f"--output-path={report}", "--chrome-flags=--headless=new --no-sandbox"],
                           check=True, env=env, capture_output=True, timeout=300)
            results.append(json.loads(report.read_text(encoding="utf-8")))
    except (subprocess.SubprocessError, OSError) as error:
        return f"失敗: {error}"
    finally:
        server.shutdown()
    scores = {c: statistics.median(round((r["categories"][c]["score"] or 0) * 100) for r in results) for c in CATEGORIES}
    each = "/".join(str(round((r["categories"]["performance"]["score"] or 0) * 100)) for r in results)
    weight = results[0]["audits"].get("total-byte-weight", {}).get("numericValue", 0)
    return (", ".join(f"{c} {s:g}" for c, s in scores.items())
            + f" (median of {runs}; performance runs {each}); transfer {weight / 1024:.0f} KB")
