"""Mermaid sources to SVG, all of a build's in one headless Chromium run.

Each diagram is drawn twice, in Mermaid's ``default`` and ``dark`` themes, so
the page can show the one of the reader's mode.  Labels are SVG text, not HTML
in a ``foreignObject``: the box around a label is measured at build time, and
a reader's font can only make HTML text wrap or be cut, while SVG text stays
whole.  They are measured in IPAexGothic (the font the share images use, from
matplotlib-fontja), loaded by the page, so the layout does not depend on the
fonts of the machine that builds.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import renderers

FONTS = '"IPAexGothic", "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Yu Gothic", Meiryo, sans-serif'
THEMES = {"light": "default", "dark": "dark"}
TIMEOUT = 300  # seconds, for a whole build's diagrams

_RUNNER = """
(async () => {
  const jobs = JSON.parse(document.getElementById("in").textContent);
  const results = jobs.map(() => ({}));
  try { await document.fonts.load("16px IPAexGothic", "あA"); } catch (e) {}
  for (const [mode, theme] of Object.entries(THEMES)) {
    mermaid.initialize({startOnLoad: false, securityLevel: "strict", theme, fontFamily: FONTS,
                        htmlLabels: false, flowchart: {htmlLabels: false}, deterministicIds: true});
    for (const [i, job] of jobs.entries()) {
      if (results[i].error) continue;
      try {
        await mermaid.parse(job.source);
        const {svg} = await mermaid.render(job.id + "-" + mode, job.source);
        results[i][mode] = svg;
      } catch (e) {
        results[i].error = String((e && (e.message || e.str)) || e);
      }
      for (const left of document.querySelectorAll("body > div[id^='d']")) left.remove();
    }
  }
  document.getElementById("out").textContent = JSON.stringify(results);
})();
"""


@dataclass(frozen=True)
class Drawn:
    svgs: dict[str, str]  # mode -> SVG
    error: str = ""
    line: int = 0  # of the source, 1-based, when the error names one


class RendererMissing(Exception):
    pass


def draw(jobs: list[tuple[str, str]]) -> list[Drawn]:
    """SVGs of each ``(id, source)``, or the error Mermaid gives for it."""
    chromium, bundle = renderers.browser(), renderers.mermaid_js()
    if not chromium:
        raise RendererMissing("Mermaid の図を SVG にするには Chromium が要ります。apt-get install chromium で入れるか、"
                              "環境変数 TECHBLOG_CHROMIUM に実行ファイルのパスを入れてください")
    if not bundle.is_file():
        raise RendererMissing("Mermaid の図を SVG にする mermaid.min.js がありません。make html で入れるか、"
                              "python -m techblog.writing.diagrams.renderers install を実行してください")
    from matplotlib_fontja import __file__ as fontja

    font = Path(fontja).parent / "fonts" / "ipaexg.ttf"
    with tempfile.TemporaryDirectory(prefix="techblog-mermaid-") as folder:
        page = Path(folder) / "render.html"
        data = json.dumps([{"id": ident, "source": source} for ident, source in jobs], ensure_ascii=False)
        runner = _RUNNER.replace("THEMES", json.dumps(THEMES)).replace("FONTS", json.dumps(FONTS))
        page.write_text(
            '<!doctype html><html><head><meta charset="utf-8">'
            f'<style>@font-face{{font-family:"IPAexGothic";src:url("{font.as_uri()}")}}body{{font-family:{FONTS}}}</style>'
            f'<script src="{bundle.as_uri()}"></script></head><body>'
            f'<script type="application/json" id="in">{data.replace("<", chr(92) + "u003c")}</script>'
            f'<pre id="out"></pre><script>{runner}</script></body></html>', encoding="utf-8")
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                   "--allow-file-access-from-files", f"--user-data-dir={Path(folder) / 'profile'}",
                   "--virtual-time-budget=600000", "--dump-dom", page.as_uri()]
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    found = re.search(r'<pre id="out">(.*?)</pre>', done.stdout, re.S)
    if not found or not found.group(1):
        raise RendererMissing(f"Chromium で Mermaid の図を描けませんでした（終了コード {done.returncode}）: "
                              + done.stderr.strip()[-500:])
    return [_drawn(result) for result in json.loads(html.unescape(found.group(1)))]


def _drawn(result: dict) -> Drawn:
    if "error" in result:
        line = re.search(r"(?:on line|line:?)\s*(\d+)", result["error"])
        return Drawn({}, result["error"].strip(), int(line.group(1)) if line else 0)
    return Drawn({mode: result[mode] for mode in THEMES})
