"""Graphviz sources to SVG with graphviz-pure (the ``dot`` program as a wheel: no system Graphviz).

graphviz-pure sizes text from built-in metrics that know no Japanese: a
full-width character counts as three spaces (0.83 em in Helvetica) where it
is 1 em wide, so a box around a Japanese label came out too narrow and cut
it.  The graph is laid out twice: the first run (``-Tjson``) gives every
node's and cluster's label, the second lays out a stand-in label with each
full-width character as ``@`` (1.015 em), and the real text is put back
into the SVG.  Edge labels float beside their edge and are left as they are.

Lines, text and arrows without a colour of their own are drawn in
``currentColor``, so one SVG follows the page's light or dark mode.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

INK = "#010203"  # drawn, then turned into currentColor
FONT = "Helvetica"  # the metrics graphviz-pure has for a sans-serif
FONTS = '"Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Yu Gothic", Meiryo, Arial, sans-serif'
DEFAULTS = [f"-G{a}" for a in ("bgcolor=transparent", f"fontcolor={INK}", f"color={INK}", f"fontname={FONT}", "pad=0.2")] + \
    [f"-N{a}" for a in (f"color={INK}", f"fontcolor={INK}", f"fontname={FONT}")] + \
    [f"-E{a}" for a in (f"color={INK}", f"fontcolor={INK}", f"fontname={FONT}")]
TIMEOUT = 60


class RendererMissing(Exception):
    pass


def program() -> str:
    found = shutil.which("graphviz-pure") or str(Path(sys.executable).parent / "graphviz-pure")
    if not Path(found).is_file():
        raise RendererMissing("Graphviz の図を SVG にする graphviz-pure がありません。make html で入れ直してください")
    return found


def draw(source: str) -> tuple[str, str, int]:
    """``(svg, error, line)``: the SVG, or Graphviz's message and the line it names (0 when none)."""
    layout = _run(source, "json")
    if layout.returncode:
        return "", *_error(layout.stderr)
    try:
        graph = json.loads(layout.stdout)
    except ValueError:
        return "", "Graphviz が図の形を返しませんでした", 0
    stand_ins = _stand_ins(graph)
    drawn = _run(_with_labels(source, stand_ins), "svg")
    if drawn.returncode:
        return "", *_error(drawn.stderr)
    return _finish(drawn.stdout, {name: label for name, (label, _) in stand_ins.items()}), "", 0


def _run(source: str, kind: str) -> subprocess.CompletedProcess:
    return subprocess.run([program(), f"-T{kind}", *DEFAULTS], input=source, capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)


def _error(stderr: str) -> tuple[str, int]:
    lines = [row.removeprefix("Error: ").removeprefix("Warning: ") for row in stderr.splitlines()
             if row.startswith("Error")]
    message = " ".join(lines) or stderr.strip() or "Graphviz が図を描けませんでした"
    line = re.search(r"line (\d+)", message)
    return message.replace("<stdin>: ", ""), int(line.group(1)) if line else 0


def _wide(text: str) -> bool:
    return any(unicodedata.east_asian_width(c) in "WF" for c in text)


def _stand_in(text: str) -> str:
    return "".join("@" if unicodedata.east_asian_width(c) in "WF" else c for c in text)


def _stand_ins(graph: dict) -> dict[str, tuple[str, str]]:
    """name -> (label, stand-in label) of each node and cluster whose plain-text label has full-width characters."""
    found = {}
    for item in graph.get("objects", []):
        name, label = item.get("name", ""), item.get("label", "")
        if label == "\\N":
            label = name
        if not label or item.get("shape") in ("record", "Mrecord") or label.startswith("<") or not _wide(label):
            continue
        found[name] = (label, _stand_in(label))
    return found


def _quoted(text: str) -> str:
    """A DOT string as Graphviz gave it (its escapes such as ``\\n`` kept as they are)."""
    return '"' + text.replace('"', '\\"') + '"'


def _with_labels(source: str, stand_ins: dict[str, tuple[str, str]]) -> str:
    if not stand_ins:
        return source
    end = source.rstrip().rfind("}")
    lines = []
    for name, (_, stand_in) in stand_ins.items():
        value = _quoted(stand_in)
        if name.startswith("cluster"):
            lines.append(f"subgraph {_quoted(name)} {{ label={value} }}")
        else:
            lines.append(f"{_quoted(name)} [label={value}]")
    return source[:end] + "\n" + "\n".join(lines) + "\n" + source[end:]


_GROUP = re.compile(r'(<g id="[^"]*" class="(?:node|cluster)">\s*<title>(.*?)</title>)(.*?)(</g>)', re.S)
_TEXT = re.compile(r"(<text\b[^>]*>)(.*?)(</text>)", re.S)


def _finish(svg: str, labels: dict[str, str]) -> str:
    import html

    def restore(group: re.Match) -> str:
        label = labels.get(html.unescape(group.group(2)))
        if label is None:
            return group.group(0)
        rows = iter(re.split(r"\\[nlr]", label))
        body = _TEXT.sub(lambda t: t.group(1) + escape(next(rows, "")) + t.group(3), group.group(3))
        return group.group(1) + body + group.group(4)

    svg = _GROUP.sub(restore, svg)
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)
    svg = svg.replace(INK, "currentColor")
    return re.sub(r'font-family="[^"]*"', f"font-family='{FONTS}'", svg)
