"""Fetching a page for its card, for ``make linkcards`` only: the build never imports this.

- **Addresses.** Before each request (the page, every redirect hop, the image)
  the host is checked with the safety rules (:func:`techblog.safety.addresses.refused_host`)
  and every address it resolves to (``socket.getaddrinfo``) with
  :func:`~techblog.safety.addresses.refused_address`: no private, loopback,
  link-local or reserved address is ever fetched.  Redirects are followed here,
  one hop at a time (at most :data:`MAX_REDIRECTS`), so each hop is checked.
  Only a test relaxes this, for loopback alone (``allow_loopback``).
- **Limits.** A timeout per request (connect and each read), at most
  :data:`MAX_PAGE_BYTES` of a page and :data:`MAX_IMAGE_BYTES` of an image.
- **Text.** The charset of the HTTP header, else the page's ``<meta charset>``
  or ``http-equiv``, else detection (charset-normalizer): Shift_JIS and EUC-JP
  pages come out right.  ``og:title``/``og:description``/``og:site_name``/
  ``og:image``, falling back to ``<title>``, the meta description and the host.
- **Image.** Downloaded, checked to be an image, shrunk to at most
  :data:`IMAGE_WIDTH` x :data:`IMAGE_HEIGHT` pixels and stored as WebP without
  its metadata.

Every failure is a :class:`FetchError` with a Japanese message; nothing else escapes.
"""

from __future__ import annotations

import codecs
import io
import ipaddress
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from techblog.safety.addresses import refused_address, refused_host

from .cache import IMAGES, Card, image_stem

USER_AGENT = "MinatoCloudTechBlog-LinkCards/1.0 (+https://tech.minato-cloud.example/)"
TIMEOUT = 10.0
MAX_REDIRECTS = 5
MAX_PAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_WIDTH, IMAGE_HEIGHT = 240, 240
MAX_TITLE, MAX_DESCRIPTION = 200, 300


class FetchError(Exception):
    """A URL that could not be made into a card; the message says why, in Japanese."""


@dataclass
class Options:
    timeout: float = TIMEOUT
    allow_loopback: bool = False  # tests only: a local server on 127.0.0.1 / ::1


def check_url(url: str, options: Options) -> None:
    """Refuse *url* unless it is http(s) to a public host whose every address is public."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"http:// か https:// の URL ではありません（{url}）")
    host = parts.hostname
    loopback = options.allow_loopback and host in ("127.0.0.1", "::1", "localhost")
    if not loopback and (reason := refused_host(host)):
        raise FetchError(f"{reason}。社内・ローカルのページはカードにできません")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError) as error:
        raise FetchError(f"ホスト名「{host}」の IP アドレスが引けません（{error}）") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if loopback and address.is_loopback:
            continue
        if refused_address(address):
            raise FetchError(f"ホスト「{host}」は社内・ローカルのアドレス（{address}）を指しています。カードにできません")


def _get(session, url: str, options: Options, limit: int):
    """(final URL, response with its body read up to *limit* bytes), redirects followed and checked hop by hop."""
    import requests

    for _ in range(MAX_REDIRECTS + 1):
        check_url(url, options)
        try:
            response = session.get(url, timeout=options.timeout, allow_redirects=False, stream=True,
                                   headers={"User-Agent": USER_AGENT, "Accept-Language": "ja,en;q=0.5"})
        except requests.Timeout:
            raise FetchError(f"{options.timeout:g} 秒待っても応答がありません（タイムアウト）") from None
        except requests.RequestException as error:
            raise FetchError(f"接続できません（{type(error).__name__}）") from None
        if response.is_redirect:
            location = response.headers.get("Location", "")
            response.close()
            if not location:
                raise FetchError("転送先（Location）のない転送です")
            url = urljoin(url, location)
            continue
        if response.status_code != 200:
            response.close()
            raise FetchError(f"HTTP {response.status_code} が返りました")
        body = bytearray()
        try:
            for chunk in response.iter_content(65536):
                body += chunk
                if len(body) > limit:
                    raise FetchError(f"{limit // 1024 // 1024} MB を超えるので読むのをやめました")
        except requests.Timeout:
            raise FetchError(f"{options.timeout:g} 秒待っても応答がありません（タイムアウト）") from None
        except requests.RequestException as error:
            raise FetchError(f"読み込みの途中で失敗しました（{type(error).__name__}）") from None
        finally:
            response.close()
        return url, response, bytes(body)
    raise FetchError(f"転送が {MAX_REDIRECTS} 回を超えました")


# -- Decoding --------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    # Pages labelled Shift_JIS are written by Windows (cp932: NEC and IBM extensions, ～ and －).
    name = {"shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "windows-31j": "cp932",
            "euc-jp": "euc_jp", "x-euc-jp": "euc_jp"}.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(body: bytes, content_type: str = "") -> str:
    """The page's text: the header's charset, else the page's own declaration, else detection."""
    match = re.search(r"charset\s*=\s*([^\s;]+)", content_type or "", re.IGNORECASE)
    declared = _codec(match.group(1)) if match else None
    if declared is None and (meta := _META_CHARSET.search(body[:4096])):
        declared = _codec(meta.group(1).decode("ascii", "replace"))
    if declared is None and body.startswith(codecs.BOM_UTF8):
        declared = "utf-8"
    if declared is None:
        from charset_normalizer import from_bytes

        best = from_bytes(body[:65536]).best()
        declared = _codec(best.encoding) if best else None
    return body.decode(declared or "utf-8", errors="replace")


# -- Parsing ---------------------------------------------------------------------------------------


@dataclass
class Page:
    title: str
    description: str
    site_name: str
    image_url: str


def _clean(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def parse(html: str, url: str) -> Page:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")

    def meta(*names: str) -> str:
        for name in names:
            tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
            if tag is not None and str(tag.get("content") or "").strip():
                return str(tag["content"])
        return ""

    title = meta("og:title", "twitter:title") or (soup.title.get_text() if soup.title else "")
    host = urlsplit(url).hostname or ""
    image = meta("og:image", "og:image:url", "og:image:secure_url", "twitter:image")
    return Page(_clean(title, MAX_TITLE) or host, _clean(meta("og:description", "description", "twitter:description"), MAX_DESCRIPTION),
                _clean(meta("og:site_name"), 100) or host, urljoin(url, image.strip()) if image else "")


# -- The image -------------------------------------------------------------------------------------


def small_image(data: bytes) -> tuple[bytes, int, int]:
    """WebP bytes of *data* shrunk to fit :data:`IMAGE_WIDTH` x :data:`IMAGE_HEIGHT`, and its size."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > 50_000_000:
                raise FetchError("画像が大きすぎます")
            image.draft("RGB", (IMAGE_WIDTH * 2, IMAGE_HEIGHT * 2))
            image = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
            image.thumbnail((IMAGE_WIDTH, IMAGE_HEIGHT), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "WEBP", quality=75, method=6)  # no EXIF or XMP: nothing is copied over
            return out.getvalue(), image.width, image.height
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise FetchError("og:image が画像として読めません") from None


def fetch(url: str, root: Path, fetched: str, options: Options | None = None) -> Card:
    """The card of *url*, its image stored under data/linkcards/; raises :class:`FetchError`."""
    import requests

    options = options or Options()
    with requests.Session() as session:
        session.trust_env = False  # no proxy from the environment: the addresses checked are the ones reached
        final, response, body = _get(session, url, options, MAX_PAGE_BYTES)
        kind = response.headers.get("Content-Type", "")
        if kind and not re.match(r"\s*(text/html|application/xhtml\+xml)", kind, re.IGNORECASE):
            raise FetchError(f"HTML のページではありません（{kind.split(';')[0]}）")
        page = parse(decode(body, kind), final)
        card = Card(url, page.title, page.description, page.site_name, fetched=fetched)
        if page.image_url:
            try:
                _, _, data = _get(session, page.image_url, options, MAX_IMAGE_BYTES)
            except FetchError as error:
                raise FetchError(f"og:image（{page.image_url}）: {error}") from None
            webp, card.width, card.height = small_image(data)
            card.image = f"{IMAGES}/{image_stem(url)}.webp"
            (root / IMAGES).mkdir(parents=True, exist_ok=True)
            (root / card.image).write_bytes(webp)
    return card
