"""The link-card cache: what ``data/linkcards.yml`` points at is public, and its images are small local files.

Card URLs are written in the pages, where the other rules see them (addresses,
``http://`` links).  The cache is checked as a file of its own, on every build:

- each URL is ``http(s)://`` to a host that is not internal
  (:func:`.addresses.refused_host`: private and loopback addresses, names under
  ``.internal``, ``.local``... or without a dot): a hand-edited entry cannot
  point readers, or the next ``make linkcards``, at an internal address;
- each ``image`` is a path under ``data/linkcards/`` (no other site, no ``..``),
  to a file that exists, is an image of the type its extension says, is at most
  :data:`MAX_BYTES` and :data:`MAX_SIDE` pixels a side, and carries no location.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from techblog.core.problems import Problem
from techblog.writing.linkcards import cache

MAX_BYTES = 100 * 1024
MAX_SIDE = 640
FORMATS = {".webp": "WEBP", ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}


def check(root: Path) -> list[Problem]:
    from .addresses import refused_host

    cards, form = cache.load(root)
    problems = [Problem(cache.FILE, line, message) for line, message in form]
    for url, card in cards.items():
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            problems.append(Problem(cache.FILE, card.line, f"「{url}」は http:// か https:// の URL ではありません。記事に書いた URL と同じにしてください"))
        elif reason := refused_host(parts.hostname):
            problems.append(Problem(cache.FILE, card.line, f"リンクカードの URL「{url}」のホストは{reason}。"
                                    "社内・ローカルのページはカードにできません。記事からその URL を消し、この項目も消してください"))
        if card.image:
            message = _image_problem(root, card.image)
            if message:
                problems.append(Problem(cache.FILE, cache.image_line(root, card), message))
    return problems


def _image_problem(root: Path, image: str) -> str | None:
    if not cache.is_local_image_path(image):
        return (f"リンクカードの画像「{image}」は {cache.IMAGES}/ の中のファイルではありません。"
                f"ほかのサイトの画像や {cache.IMAGES}/ の外のファイルは使えません。"
                "`make linkcards REFRESH=1` で取り直すか、image の行を消してください")
    file = root / image
    expected = FORMATS.get(file.suffix.lower())
    if expected is None:
        return f"リンクカードの画像「{image}」は WebP・PNG・JPEG（.webp・.png・.jpg）にしてください"
    if not file.is_file():
        return f"リンクカードの画像「{image}」がありません。`make linkcards REFRESH=1` で取り直すか、image の行を消してください"
    from .images import _inspect

    size, located = _inspect(file.resolve())
    if size > MAX_BYTES:
        return f"リンクカードの画像「{image}」が {size // 1024} KB あります。{MAX_BYTES // 1024} KB 以下にしてください（make linkcards は小さくして保存します）"
    if located:
        return f"リンクカードの画像「{image}」に位置情報が入っています。`make linkcards REFRESH=1` で取り直してください"
    try:
        from PIL import Image

        with Image.open(file) as opened:
            kind, width, height = opened.format, opened.width, opened.height
    except Exception:  # not an image Pillow can read
        return f"リンクカードの画像「{image}」が画像として読めません。`make linkcards REFRESH=1` で取り直してください"
    if kind != expected:
        return f"リンクカードの画像「{image}」の中身は {kind} で、拡張子と合いません。`make linkcards REFRESH=1` で取り直してください"
    if max(width, height) > MAX_SIDE:
        return f"リンクカードの画像「{image}」が {width}x{height} ピクセルあります。一辺 {MAX_SIDE} ピクセル以下にしてください"
    return None
