"""Read a Hatena Blog export: Movable Type's text format as Hatena writes it.

Entries end at a line ``--------``, sections at a line ``-----``.  The first
section holds ``KEY: value`` lines (``AUTHOR``, ``TITLE``, ``BASENAME`` -- the
path after ``/entry/`` --, ``STATUS``, ``DATE`` in Japan time with no zone,
``CATEGORY`` repeated, ``IMAGE``); the others are ``BODY:``, ``EXTENDED BODY:``,
``EXCERPT:`` and ``COMMENT:``, in HTML.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from techblog.content import jst

from .entries import Entry, Export, ExportError, Person, Term

ENTRY_END = "--------"
SECTION_END = "-----"
_DATE_FORMS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
_STATUS = {"publish": "publish", "draft": "draft", "future": "future", "private": "private"}


def looks_like(head: str) -> bool:
    return any(line.startswith(("AUTHOR:", "TITLE:", "BASENAME:")) for line in head.splitlines()[:20])


def parse(path: Path, text: str) -> Export:
    export = Export("hatena", str(path), [])
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = 0
    for number, line in enumerate(lines + [ENTRY_END]):
        if line.rstrip() == ENTRY_END:
            block = lines[start:number]
            if any(item.strip() for item in block):
                export.entries.append(_entry(path, block, start + 1, export))
            start = number + 1
    if not export.entries:
        raise ExportError(f"{path}:1: はてなブログのエクスポートに記事がありません。"
                          "はてなブログの「設定 → 詳細設定 → エクスポート」で書き出したファイルを指定してください")
    return export


def _entry(path: Path, block: list[str], first: int, export: Export) -> Entry:
    header: dict[str, list[tuple[str, int]]] = {}
    sections: dict[str, str] = {}
    index = 0
    while index < len(block) and block[index].rstrip() != SECTION_END:
        line = block[index]
        if line.strip():
            key, sep, value = line.partition(":")
            if not sep:
                raise ExportError(f"{path}:{first + index}: 「キー: 値」の形ではない行があります（{line.strip()[:40]}）。"
                                  "Movable Type 形式のエクスポートファイルか確かめてください")
            header.setdefault(key.strip().upper(), []).append((value.strip(), first + index))
        index += 1
    index += 1
    while index < len(block):
        name_line = block[index]
        name = name_line.rstrip().rstrip(":").strip().upper()
        body: list[str] = []
        index += 1
        while index < len(block) and block[index].rstrip() != SECTION_END:
            body.append(block[index])
            index += 1
        index += 1
        if name in ("BODY", "EXTENDED BODY", "EXCERPT"):
            sections[name] = "\n".join(body).strip()

    def one(key: str) -> str:
        return header.get(key, [("", 0)])[0][0]

    if "TITLE" not in header and "BASENAME" not in header:
        raise ExportError(f"{path}:{first}: 記事の先頭に TITLE も BASENAME もありません。"
                          "区切り行（-------- と -----）が崩れていないか確かめてください")
    basename = one("BASENAME").strip("/")
    author = one("AUTHOR")
    if author and author not in export.authors:
        export.authors[author] = Person(author, author, author)
    status_text = one("STATUS").strip().lower() or "publish"
    date = None
    if one("DATE"):
        date = _date(one("DATE"))
        if date is None:
            line = header["DATE"][0][1]
            raise ExportError(f"{path}:{line}: DATE「{one('DATE')}」が読めません。MM/DD/YYYY HH:MM:SS（日本時間）の形にしてください")
    body = sections.get("BODY", "")
    if sections.get("EXTENDED BODY"):
        body += "\n" + sections["EXTENDED BODY"]
    return Entry(
        key=f"hatena:{basename or one('TITLE')}",
        kind="post",
        status=_STATUS.get(status_text, status_text),
        title=one("TITLE"),
        date=date,
        authors=[export.authors[author]] if author else [],
        categories=[],
        tags=[Term(value) for value, _line in header.get("CATEGORY", []) if value],
        body=body,
        line=first,
        excerpt=sections.get("EXCERPT", ""),
        slug_hint=basename,
        old_urls=[f"/entry/{basename}"] if basename else [],
        old_paths=[f"entry/{basename}"] if basename and status_text == "publish" else [],
        image=one("IMAGE"),
    )


def _date(text: str) -> datetime | None:
    for form in _DATE_FORMS:
        try:
            return datetime.strptime(text.strip(), form).replace(tzinfo=jst.JST)
        except ValueError:
            continue
    return None
