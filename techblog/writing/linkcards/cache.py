"""The committed card cache: ``data/linkcards.yml`` and the small images in ``data/linkcards/``.

One entry per URL, written by ``make linkcards`` and reviewed in pull requests;
a writer may correct a title or description by hand::

    https://www.postgresql.org/docs/16/runtime-config-connection.html:
      title: "PostgreSQL: Documentation: 16: 19.3. Connections and Authentication"
      description: ...
      site_name: PostgreSQL Documentation
      image: data/linkcards/3f2a9c1d0b7e6a54.webp
      fetched: 2026-01-20

``image`` is optional; ``title`` is required.  The build reads the file and never
the network.  Only the standard library and PyYAML here (through
:mod:`techblog.content.yamlsource`, which keeps line numbers).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from techblog.content import yamlsource

FILE = "data/linkcards.yml"
IMAGES = "data/linkcards"
KEYS = ("title", "description", "site_name", "image", "width", "height", "fetched")

HEADER = """\
# リンクカードのキャッシュです（docs/writers-guide のリンクカードの節を参照）。
#
# 記事の中で 1 行に URL だけを書いた段落はカードになります。カードのタイトル・説明・サイト名・画像は
# ビルドのたびにネットから取るのではなく、このファイルから読みます。
# `make linkcards` がまだ載っていない URL のページを取得して、このファイルと data/linkcards/ の画像を更新します。
# 取得結果の誤りや長すぎる説明は手で直してかまいません（次の `make linkcards` も直した内容を残します。
# 取り直すときは `make linkcards REFRESH=1`）。更新したらこのファイルと画像をコミットしてください。
"""


@dataclass
class Card:
    url: str
    title: str
    description: str = ""
    site_name: str = ""
    image: str = ""  # path from the project root, under data/linkcards/
    width: int = 0
    height: int = 0
    fetched: str = ""
    line: int = 0  # of the URL in data/linkcards.yml


def image_stem(url: str) -> str:
    """The file name (without extension) of a URL's image: 16 hex digits of its SHA-1."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def load(root: Path) -> tuple[dict[str, Card], list[tuple[int, str]]]:
    """The cards by URL and the (line, Japanese message) of each problem of the file's form."""
    file = root / FILE
    if not file.is_file():
        return {}, []
    loaded = yamlsource.load(file.read_text(encoding="utf-8-sig"))
    problems = list(loaded.errors)
    data = loaded.data
    if data is None:
        return {}, problems
    if not isinstance(data, yamlsource.Mapping):
        return {}, problems + [(1, "URL をキーにしたマッピング（「https://...:」の下に title: などを字下げして書く形）にしてください")]
    cards: dict[str, Card] = {}
    for url, entry in data.items():
        line = data.line_of(url)
        url = str(url)
        if not isinstance(entry, yamlsource.Mapping):
            problems.append((line, f"「{url}」の下に title: などを字下げして書いてください"))
            continue
        unknown = [key for key in entry if key not in KEYS]
        for key in unknown:
            problems.append((entry.line_of(key), f"「{key}」は使えないキーです。使えるのは {', '.join(KEYS)} です"))
        title = str(entry.get("title") or "").strip()
        if not title:
            problems.append((line, f"「{url}」に title がありません。ページのタイトルを書くか、`make linkcards REFRESH=1` で取り直してください"))
            continue
        try:
            width, height = int(entry.get("width") or 0), int(entry.get("height") or 0)
        except (TypeError, ValueError):
            problems.append((line, f"「{url}」の width・height は整数にしてください"))
            width = height = 0
        cards[url] = Card(url, title, str(entry.get("description") or "").strip(), str(entry.get("site_name") or "").strip(),
                          str(entry.get("image") or "").strip(), width, height, str(entry.get("fetched") or ""), line)
    return cards, problems


def image_line(root: Path, card: Card) -> int:
    """The line of a card's ``image:`` in the file (the URL's line when not found)."""
    file = root / FILE
    lines = file.read_text(encoding="utf-8-sig").splitlines() if file.is_file() else []
    for number in range(card.line, min(len(lines), card.line + len(KEYS) + 1)):
        if lines[number].strip().startswith("image:"):
            return number + 1
    return card.line


def is_local_image_path(path: str) -> bool:
    """Whether *path* names a file under data/linkcards/ (no scheme, no ``..``, not absolute)."""
    if not path or "://" in path or path.startswith(("/", "\\")) or "\\" in path or ":" in path:
        return False
    parts = PurePosixPath(path).parts
    return len(parts) == 3 and "/".join(parts[:2]) == IMAGES and ".." not in parts and not parts[2].startswith(".")


def dump(cards: dict[str, Card]) -> str:
    """The file's text: the header, then the cards sorted by URL (stable diffs in review)."""
    import yaml

    data = {}
    for url in sorted(cards):
        card = cards[url]
        entry = {"title": card.title}
        if card.description:
            entry["description"] = card.description
        if card.site_name:
            entry["site_name"] = card.site_name
        if card.image:
            entry.update(image=card.image, width=card.width, height=card.height)
        if card.fetched:
            entry["fetched"] = card.fetched
        data[url] = entry
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False) if data else "{}\n"
    return HEADER + "\n" + body


def write(root: Path, cards: dict[str, Card]) -> None:
    file = root / FILE
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(dump(cards), encoding="utf-8")
