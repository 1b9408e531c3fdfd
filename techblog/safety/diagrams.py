"""Diagrams: links in a Mermaid or Graphviz source may not run code or go out unencrypted.

A diagram is drawn into the page, and its links with it: Mermaid's
``click A href "..."`` (or ``click A "..."``) and Graphviz's ``URL``/``href``
attributes.  A ``javascript:`` (or ``vbscript:``, ``data:``) URL, and
Mermaid's ``click A call f()``/``callback`` (a function of the page, which
has none), are findings; so is an ``http://`` link, as in the text.
Addresses and host names in a diagram are checked with the rest of the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .source import Finding, Source, directive

DIAGRAM_FENCES = {"mermaid": "mermaid", "dot": "graphviz", "graphviz": "graphviz"}
SCRIPT_URL = re.compile(r"""(?i)(?:^|["'\s=])((?:javascript|vbscript|data)\s*:[^"'\s]*)""")
MERMAID_CALL = re.compile(r"^\s*click\s+\S+\s+(call|callback)\b")
MERMAID_LINK = re.compile(r"""^\s*click\s+\S+\s+(?:href\s+)?["']([^"']+)["']""")
GRAPHVIZ_LINK = re.compile(r"""(?i)\b(?:URL|href)\s*=\s*["<]?([^"\s>,;\]]+)""")


def _diagrams(source: Source) -> Iterator[tuple[str, int, list[str]]]:
    """(kind, first line of the source, its lines) of every diagram fence."""
    for located in source.tokens():
        token = located.token
        if token.type not in ("fence", "colon_fence"):
            continue
        found = directive(token)
        name = found[0] if found else (token.info.split() or [""])[0]
        if kind := DIAGRAM_FENCES.get(name):
            yield kind, located.line + 1, token.content.split("\n")


def check(source: Source) -> Iterator[Finding]:
    for kind, first, rows in _diagrams(source):
        for number, row in enumerate(rows, first):
            if kind == "mermaid" and (call := MERMAID_CALL.match(row)):
                yield Finding(number, "html", call.group(1), f"図の「click … {call.group(1)}」はページの関数を呼びます（html {call.group(1)}）。"
                              "ページでスクリプトは動かせません。リンクにするなら click ノード \"https://...\" と書いてください")
                continue
            links = MERMAID_LINK.findall(row) if kind == "mermaid" else GRAPHVIZ_LINK.findall(row)
            for url in links + [m for m in SCRIPT_URL.findall(row) if m not in links]:
                if re.match(r"(?i)\s*(?:javascript|vbscript|data)\s*:", url):
                    yield Finding(number, "html", "javascript:", f"図のリンク「{url}」はスクリプト URL です（html javascript:）。"
                                  "普通のリンク（https://...）にしてください")
                elif url.lower().startswith("http://"):
                    yield Finding(number, "link", url, f"図のリンク「{url}」が http:// です（link {url}）。"
                                  "https:// で開けるか確かめて https:// に書き換えてください")
