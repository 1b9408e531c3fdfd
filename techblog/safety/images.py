"""Images: each one exists in the repository, has alt text, weighs at most 1 MB and says nothing about where it was taken.

Images are found in Markdown (``![alt](path)``), in ``{image}`` and ``{figure}``
directives (``:alt:``), in raw ``<img>`` tags and in the front matter's
``image``.  A photo's location is read from its EXIF GPS block (Pillow) and
from XMP packets, which also carry GPS coordinates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .markup import html_fragments, html_tags
from .source import Finding, Source, directive

MAX_BYTES = 1024 * 1024
GPS_IFD = 0x8825
XMP_LOCATION = re.compile(rb"(?:exif:GPS(?:Latitude|Longitude)|Iptc4xmpExt:LocationShown|photoshop:City|GPSLatitude)")
RASTER = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".heic", ".avif", ".gif"}


def references(source: Source) -> Iterator[tuple[int, str, str | None]]:
    """(line, path as written, alt text or None when the kind of image has no alt) of every image."""
    for located in source.tokens():
        token = located.token
        if token.type == "image":
            yield located.line_of(token.attrs.get("src", "")), str(token.attrs.get("src", "")), token.content
        elif (found := directive(token)) and found[0] in ("image", "figure"):
            options = dict(re.findall(r"^:([\w-]+):[ \t]*(.*)$", token.content, re.MULTILINE))
            yield located.line, found[1], options.get("alt", "")
        elif token.type == "front_matter":
            match = re.search(r"^image:[ \t]*['\"]?([^'\"\n]+?)['\"]?[ \t]*$", token.content, re.MULTILINE)
            if match:
                yield located.line + 1 + token.content[: match.start()].count("\n"), match.group(1), None
    for first, html in html_fragments(source):
        for offset, tag, attrs in html_tags(html):
            if tag == "img":
                values = dict(attrs)
                yield first + offset - 1, values.get("src") or "", values.get("alt") or ""


def check(source: Source, root: Path) -> Iterator[Finding]:
    for line, src, alt in references(source):
        yield from _check_one(source, root, line, src, alt)


def _check_one(source: Source, root: Path, line: int, src: str, alt: str | None) -> Iterator[Finding]:
    if alt is not None and not alt.strip():
        yield Finding(line, "image", src, f"画像「{src}」に代替テキスト（alt）がありません（image {src}）。"
                      "![何が写っているか](パス) のように、画像の内容を短く書いてください（{image} なら :alt: オプション）")
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        yield Finding(line, "image", src, f"画像「{src}」をほかのサイトから読み込んでいます（image {src}）。"
                      "読者の情報がそのサイトに送られます。画像をダウンロードして記事と同じフォルダに置き、相対パスで参照してください")
        return
    path = unquote(parts.path)
    file = (root / path.lstrip("/")) if path.startswith("/") else (root / source.path).parent / path
    if not file.is_file():
        yield Finding(line, "image", src, f"画像ファイル「{src}」がありません（image {src}）。"
                      "ファイル名の綴りと、記事からの相対パスを確かめてください")
        return
    size, located = _inspect(file.resolve())
    if size > MAX_BYTES:
        yield Finding(line, "image", src, f"画像「{src}」が {size / 1024 / 1024:.1f} MB あります（image {src}）。"
                      "1 MB 以下になるよう、縮小するか WebP・JPEG で圧縮してください")
    if located:
        yield Finding(line, "image", src, f"画像「{src}」に撮影場所（GPS などの位置情報）が入っています（image {src}）。"
                      "位置情報を消してから置き直してください（例: exiftool -gps:all= -xmp:all= ファイル名）")


@cache
def _inspect(file: Path) -> tuple[int, bool]:
    """(size in bytes, whether it carries location metadata); cached, an image is often used twice."""
    size = file.stat().st_size
    if file.suffix.lower() not in RASTER:
        return size, False
    data = file.read_bytes()
    if XMP_LOCATION.search(data):
        return size, True
    try:
        from PIL import Image

        with Image.open(file) as image:
            gps = image.getexif().get_ifd(GPS_IFD)
    except Exception:  # not an image Pillow can read: nothing to say about its metadata
        return size, False
    return size, bool(gps)
