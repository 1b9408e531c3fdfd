"""Where the renderers are: Mermaid's browser bundle (pinned, from the npm registry) and a browser to run it.

Mermaid lays a diagram out by measuring its text in a browser, so it runs at
build time in headless Chromium; readers get the SVG it made and no script.
``python -m techblog.writing.diagrams.renderers install`` (run by ``make html``
and on Read the Docs) fetches the one file it needs, ``dist/mermaid.min.js``,
with npm, checks the package against the integrity pinned here and keeps it in
the virtualenv.  A version change is a change of :data:`MERMAID` (version and
the ``integrity`` that ``npm view mermaid@VERSION dist.integrity`` prints).
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

MERMAID = {
    "version": "12.3.0",
    "integrity": "sha512-4113TdXeLAsMruJ79OpFL5O8+LTFXhQqZ260rF3tgUmiNAtRm4Uume04I+65PRN6yZ69J4f8rVYWW8zRk65UYw==",
}
BUNDLE = "package/dist/mermaid.min.js"

# Chromium under the names Debian, Ubuntu and Google give it; Playwright's downloads last.
BROWSERS = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "chrome", "chrome-headless-shell")
PLAYWRIGHT_GLOBS = ("chromium_headless_shell-*/chrome-*/chrome-headless-shell", "chromium_headless_shell-*/chrome-*/headless_shell",
                    "chromium-*/chrome-linux*/chrome")
# Where .readthedocs.yaml puts Chrome's headless shell (npx @puppeteer/browsers install ... --path).
HEADLESS_SHELL = "chrome-headless-shell/*/chrome-headless-shell-linux64/chrome-headless-shell"


def mermaid_js() -> Path:
    return Path(sys.prefix) / "share" / "techblog" / f"mermaid-{MERMAID['version']}.min.js"


def browser() -> str | None:
    """The Chromium to render with: ``TECHBLOG_CHROMIUM``, else the first found on PATH or in Playwright's cache."""
    if os.environ.get("TECHBLOG_CHROMIUM"):
        return os.environ["TECHBLOG_CHROMIUM"]
    for name in BROWSERS:
        if found := shutil.which(name):
            return found
    playwright = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    for cache, pattern in [(playwright, p) for p in PLAYWRIGHT_GLOBS] + [(Path.home() / ".cache" / "techblog-browser", HEADLESS_SHELL)]:
        for found in sorted(cache.glob(pattern), reverse=True):
            return str(found)
    return None


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def install() -> int:
    target = mermaid_js()
    if target.is_file():
        return 0
    npm = shutil.which("npm")
    if not npm:
        print("Mermaid の図を描くための mermaid を入れるには npm が要ります（Debian: apt-get install npm）", file=sys.stderr)
        return 1
    spec = f"mermaid@{MERMAID['version']}"
    with tempfile.TemporaryDirectory() as folder:
        packed = subprocess.run([npm, "pack", spec, "--silent", "--pack-destination", folder],
                                capture_output=True, text=True, check=False)
        tarballs = list(Path(folder).glob("*.tgz"))
        if packed.returncode or not tarballs:
            print(f"npm pack {spec} に失敗しました: {packed.stderr.strip()}", file=sys.stderr)
            return 1
        data = tarballs[0].read_bytes()
        if _integrity(data) != MERMAID["integrity"]:
            print(f"{spec} の中身が固定した integrity と違います。ダウンロードし直すか、版を変えたなら"
                  " techblog/writing/diagrams/renderers.py の integrity を直してください", file=sys.stderr)
            return 1
        with tarfile.open(tarballs[0]) as archive:
            bundle = archive.extractfile(BUNDLE)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            partial.write_bytes(bundle.read())
            partial.replace(target)
    print(f"{spec} の {Path(BUNDLE).name} を {target} に入れました")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["install"]:
        sys.exit("usage: python -m techblog.writing.diagrams.renderers install")
    sys.exit(install())
