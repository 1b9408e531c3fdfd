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


def audit(out: Path, page: str, tmp: Path) -> str:
    cli = install()
    handler = functools.partial(QuietHandler, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    report = tmp / f"lighthouse-{page.replace('/', '_')}.json"
    try:
        env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
        subprocess.run([str(cli), f"http://127.0.0.1:{server.server_port}/{page}", "--quiet", "--output=json",
                        f"--output-path={report}", "--chrome-flags=--headless=new --no-sandbox"],
                       check=True, env=env, capture_output=True, timeout=300)
    except (subprocess.SubprocessError, OSError) as error:
        return f"失敗: {error}"
    finally:
        server.shutdown()
    result = json.loads(report.read_text(encoding="utf-8"))
    scores = {c: round((result["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}
    weight = result["audits"].get("total-byte-weight", {}).get("numericValue", 0)
    return ", ".join(f"{c} {s}" for c, s in scores.items()) + f"; transfer {weight / 1024:.0f} KB"
