"""HTML of WordPress and Hatena Blog posts -> MyST Markdown, with a note at each place a human should look.

Our own converter on lxml (already a dependency of the site) rather than a
generic HTML-to-Markdown library: what matters here is specific to these two
exports and to MyST -- code languages from ``language-python`` and Hatena's
``lang-python`` checked against Pygments, footnotes from WordPress's and
Hatena's markup, embeds to ``{youtube}`` / ``{speakerdeck}``, ``{figure}`` with
alt text, heading levels made consecutive (MyST warns otherwise), escaping of
MyST's own syntax (``%`` comments, ``(label)=``, ``:::``) and emphasis that
CommonMark would not see next to Japanese punctuation -- and nothing of the
source's HTML is passed through to the page (a strict CSP: no script, iframe,
handler or remote image).

:func:`convert` returns the Markdown and, for each note, the line of the
Markdown it belongs to: notes travel through the text as ``\\x00n\\x00``
markers, which are taken out once the lines are final.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from lxml import etree
from lxml import html as lxml_html

# -- notes ------------------------------------------------------------------------

UNCONVERTED = "unconverted"
MISSING_IMAGE = "missing-image"
REMOVED = "removed"  # a script, iframe or handler left out (safety)


@dataclass(frozen=True)
class Note:
    kind: str
    message: str


@dataclass
class Context:
    """What the converter asks of the importer: where an image or an old URL now lives."""

    image: Callable[[str], str | None] = lambda url: None  # URL -> path relative to the post, or None
    link: Callable[[str], str | None] = lambda url: None  # old URL -> relative path of an imported post
    base_url: str = ""  # the old site, to make its relative links absolute
    notes: list[Note] = field(default_factory=list)
    embeds: dict[str, int] = field(default_factory=dict)

    def note(self, kind: str, message: str) -> str:
        self.notes.append(Note(kind, message))
        return f"\x00{len(self.notes) - 1}\x00"

    def count(self, kind: str) -> None:
        self.embeds[kind] = self.embeds.get(kind, 0) + 1


# -- escaping ---------------------------------------------------------------------

_SPECIAL = re.compile(r"([\\`*\[\]<>|])")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^([#>+\-=%~]|\d+(?=[.)](?:\s|$))|:::)")
_WS = re.compile(r"[ \t\n\r\f\v]+")
_MARKER = re.compile(r"\x00(\d+)\x00")
HARD_BREAK = "\\\n"
_LIST_BLOCK = re.compile(r"^(?:- |\d+\. )")


def escape(text: str) -> str:
    text = _SPECIAL.sub(r"\\\1", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    return _ENTITY.sub(r"\\&", text)


def _escape_line_starts(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        match = _LINE_START.match(stripped)
        if match:
            if match.group(1)[0].isdigit():
                end = match.end()
                stripped = stripped[:end] + "\\" + stripped[end:]
            else:
                stripped = "\\" + stripped
        if re.fullmatch(r"\(.*\)=", stripped):
            stripped = "\\" + stripped
        lines.append(stripped)
    return "\n".join(lines)


def _is_punct(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def _wrap(inner: str, mark: str, role: str, plain: str) -> str:
    """``**inner**``; ``{strong}`plain``` when CommonMark would not see the marks (punctuation at an edge)."""
    core = inner.strip()
    if not core:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    edges = core.replace("\\", "")
    if edges and (_is_punct(edges[0]) or _is_punct(edges[-1])) and "\n" not in plain and "\x00" not in core:
        text = plain.strip().replace("`", "'")
        return f"{lead}{{{role}}}`{text}`{trail}" if text else inner
    return f"{lead}{mark}{core}{mark}{trail}"


def _code_span(text: str) -> str:
    text = _WS.sub(" ", text)
    if not text.strip():
        return ""
    ticks = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (ticks + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or ticks else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _url(url: str) -> str:
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url


# -- embeds -----------------------------------------------------------------------

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


def youtube_id(url: str) -> str | None:
    parts = urlsplit(url if "//" in url else "https://" + url)
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    ident = None
    if host == "youtu.be":
        ident = parts.path.strip("/").split("/")[0]
    elif host in ("youtube.com", "youtube-nocookie.com"):
        if parts.path == "/watch":
            ident = (parse_qs(parts.query).get("v") or [""])[0]
        elif parts.path.startswith(("/embed/", "/shorts/", "/live/", "/v/")):
            ident = parts.path.split("/")[2]
    return ident if ident and _YOUTUBE_ID.match(ident) else None


def speakerdeck_id(url: str) -> str | None:
    parts = urlsplit(url if "//" in url else "https://" + url)
    if (parts.hostname or "").removeprefix("www.") != "speakerdeck.com":
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) == 2 and segments[0] not in ("player", "assets", "embed") and all(
            re.fullmatch(r"[A-Za-z0-9_-]+", s) for s in segments):
        return "/".join(segments)
    return None


def tweet_url(url: str) -> str | None:
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.").removeprefix("mobile.")
    match = re.fullmatch(r"/([A-Za-z0-9_]+)/status(?:es)?/(\d+)/?", parts.path)
    if host in ("twitter.com", "x.com") and match:
        return f"https://x.com/{match.group(1)}/status/{match.group(2)}"
    return None


def _title_option(title: str) -> str:
    title = _WS.sub(" ", title or "").strip()
    return f":title: {title}\n" if title else ""


# -- the converter ----------------------------------------------------------------

BLOCK = {
    "p", "div", "section", "article", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "blockquote",
    "table", "hr", "dl", "details", "header", "footer", "aside", "main", "nav", "center", "iframe", "script", "style",
    "noscript", "form", "video", "audio", "object", "embed", "canvas", "svg", "template", "address", "figcaption",
    "fieldset", "picture", "summary", "li", "dt", "dd", "thead", "tbody", "tr", "td", "th", "tfoot", "caption",
    "link", "meta", "frame", "frameset", "applet", "portal",
}
DROP_QUIETLY = {"style", "link", "meta", "template", "head", "title", "noscript"}
NOT_CONVERTED = {"video", "audio", "object", "embed", "canvas", "svg", "form", "input", "button", "select", "textarea",
                 "frame", "frameset", "applet", "portal", "math"}
SAFETY = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "portal", "form"}
IMAGE_SUFFIX = re.compile(r"\.(png|jpe?g|gif|webp|svg|avif)$", re.IGNORECASE)
LANG_CLASS = re.compile(r"^(?:language|lang|brush|highlight-source)[-:]([\w+#.-]+)$")
LANG_ALIASES = {"plaintext": "text", "plain": "text", "none": "text", "txt": "text", "shellsession": "console",
                "c++": "cpp", "objective-c": "objc", "vim": "vim", "conf": "text", "html5": "html", "jsx": "jsx"}


class Converter:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.footnotes: dict[str, int] = {}  # definition key -> number
        self.definitions: dict[str, object] = {}  # key -> element holding the text
        self.order: list[str] = []

    # -- inline ---------------------------------------------------------------

    def inline(self, el, breaks: str = HARD_BREAK) -> str:
        out = [escape(_WS.sub(" ", el.text))] if el.text else []
        for child in el:
            out.append(self.inline_element(child, breaks))
            if child.tail:
                out.append(escape(_WS.sub(" ", child.tail)))
        return "".join(out)

    def inline_element(self, el, breaks: str = HARD_BREAK) -> str:
        if not isinstance(el.tag, str):
            return ""  # comments (WordPress block comments, <!--more-->) and processing instructions
        tag = el.tag.lower()
        handler = self._handlers_note(el)
        if el.get("data-import-fn"):
            return handler + f"[^{el.get('data-import-fn')}]"
        if el.get("data-import-note"):
            return self.ctx.note(UNCONVERTED, el.get("data-import-note"))
        if tag == "cite" and "hatena-citation" in (el.get("class") or ""):
            return ""  # the site name under a Hatena blog card
        if tag in ("strong", "b"):
            return handler + _wrap(self.inline(el, breaks), "**", "strong", el.text_content())
        if tag in ("em", "i", "cite", "var", "dfn"):
            return handler + _wrap(self.inline(el, breaks), "*", "emphasis", el.text_content())
        if tag in ("code", "kbd", "samp", "tt"):
            return handler + _code_span(el.text_content())
        if tag in ("sup", "sub"):
            text = _WS.sub(" ", el.text_content()).strip().replace("`", "'")
            return handler + (f"{{{tag}}}`{text}`" if text else "")
        if tag in ("del", "s", "strike"):
            inner = html.escape(_WS.sub(" ", el.text_content()))
            return handler + (f"<del>{inner}</del>" if inner.strip() else "")
        if tag == "br":
            return breaks
        if tag == "a":
            return handler + self.anchor(el, breaks)
        if tag == "img":
            return handler + self.image(el)
        if tag in ("script", "iframe") or tag in NOT_CONVERTED or tag in DROP_QUIETLY:
            return "".join(self.block(el))
        if tag in BLOCK:
            return " " + "".join(self.inline(el, breaks)) + " "
        return handler + self.inline(el, breaks)

    def _handlers_note(self, el) -> str:
        handlers = sorted(name for name in el.attrib if name.lower().startswith("on"))
        if not handlers:
            return ""
        return self.ctx.note(REMOVED, f"<{el.tag}> のイベントハンドラ（{', '.join(handlers)}）を取り除きました")

    def anchor(self, el, breaks: str) -> str:
        href = (el.get("href") or "").strip()
        classes = (el.get("class") or "").split()
        if "keyword" in classes or re.search(r"//d\.hatena\.ne\.jp/keyword/|hatena\.ne\.jp/keyword/", href):
            return self.inline(el, breaks)  # Hatena's keyword links: the word only
        images = el.findall(".//img")
        if images and not _WS.sub("", el.text_content()) and IMAGE_SUFFIX.search(urlsplit(href).path):
            return "".join(self.image(img, prefer=href) for img in images)
        text = self.inline(el, breaks).strip()
        if re.match(r"^\s*(javascript|vbscript|data):", href, re.IGNORECASE):
            return text + self.ctx.note(REMOVED, f"「{href[:40]}」のリンクを取り除きました（スクリプトの URL）")
        if not href:
            return text
        if href.startswith("#"):
            return text + self.ctx.note(UNCONVERTED, f"ページ内リンク「{href}」をリンクなしの文字にしました")
        target = self.ctx.link(href)
        if target is None:
            if (tweet := tweet_url(href)) is not None:
                href = tweet
            href = self.absolute(href)
            if not href:
                return text + self.ctx.note(UNCONVERTED, f"相対リンク「{el.get('href')}」の行き先が分かりません。リンクなしの文字にしました")
            target = href
        if not text:
            text = escape(href)
        return f"[{text}]({_url(target)})"

    def absolute(self, href: str) -> str:
        if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.IGNORECASE):
            return href
        if href.startswith("//"):
            return "https:" + href
        if self.ctx.base_url:
            parts = urlsplit(self.ctx.base_url)
            return f"{parts.scheme}://{parts.netloc}/{href.lstrip('/')}" if href.startswith("/") else self.ctx.base_url + href
        return ""

    def image(self, el, prefer: str = "") -> str:
        src = (el.get("src") or el.get("data-src") or "").strip()
        alt = _WS.sub(" ", el.get("alt") or el.get("title") or "").strip()
        if src.startswith("data:"):
            return self.ctx.note(UNCONVERTED, "data: URL の画像は取り込めません。画像ファイルにして置き直してください")
        path = None
        for candidate in (src, prefer):
            if candidate and (path := self.ctx.image(self.absolute(candidate) or candidate)):
                break
        if path:
            return f"![{escape(alt)}]({_url(path)})"
        url = self.absolute(src) or src
        label = f"画像: {escape(alt)}" if alt else "画像"
        note = self.ctx.note(MISSING_IMAGE, f"画像「{url}」が MEDIA のフォルダにありません。画像を入手して置き、"
                                            "このリンクを ![説明](images/...) にしてください")
        return f"[{label}]({_url(url)}){note}" if url.startswith(("https://", "http://")) else label + note

    # -- blocks ---------------------------------------------------------------

    def blocks(self, el) -> list[str]:
        """The blocks of *el*'s content: runs of inline content become paragraphs."""
        out: list[str] = []
        buffer: list[str] = [escape(_WS.sub(" ", el.text))] if el.text else []

        def flush() -> None:
            text = "".join(buffer)
            buffer.clear()
            paragraph = self.paragraph(text)
            if paragraph:
                out.append(paragraph)

        for child in el:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag in BLOCK and not child.get("data-import-fn"):
                flush()
                out.extend(self.block(child))
            else:
                buffer.append(self.inline_element(child))
            if child.tail:
                buffer.append(escape(_WS.sub(" ", child.tail)))
        flush()
        return out

    def paragraph(self, text: str) -> str:
        lines = [line.strip(" ") for line in text.split("\n")]
        while lines and lines[-1] in ("\\", ""):
            lines.pop()
        while lines and lines[0] in ("\\", ""):
            lines.pop(0)
        text = "\n".join(lines).strip()
        text = re.sub(r" {2,}", " ", text)
        if not text.replace("\\", "").strip():
            return ""
        plain = text.replace("\\", "")
        url = _MARKER.sub("", plain).strip()
        if re.fullmatch(r"https?://\S+", url) and not text.startswith("["):
            embed = self.embed(url, "")
            if embed:
                return embed
        return _escape_line_starts(text)

    def block(self, el) -> list[str]:
        if not isinstance(el.tag, str):
            return []
        tag = el.tag.lower()
        handler = self._handlers_note(el)
        result = self._block(el, tag)
        if handler:
            result = [handler + result[0], *result[1:]] if result else [handler]
        return result

    def _block(self, el, tag: str) -> list[str]:
        classes = (el.get("class") or "").split()
        if tag in DROP_QUIETLY:
            return []
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = self.inline(el, " ").strip()
            return [f"\x01H{tag[1]}\x01 {text}"] if text else []
        if tag == "p" or tag in ("summary", "dt", "caption", "figcaption", "address"):
            paragraph = self.paragraph(self.inline(el))
            return [paragraph] if paragraph else []
        if tag in ("ul", "ol"):
            return self.list(el, tag == "ol")
        if tag == "pre":
            return [self.code(el)]
        if tag == "blockquote":
            return self.quote(el, "twitter-tweet" in classes)
        if tag == "table":
            return self.table(el)
        if tag == "hr":
            return ["---"]
        if tag == "dl":
            return self.deflist(el)
        if tag == "figure":
            return self.figure(el, classes)
        if tag == "iframe":
            return self.iframe(el)
        if tag == "script":
            return self.script(el)
        if tag == "cite" and "hatena-citation" in classes:
            return []
        if tag in NOT_CONVERTED:
            kind = REMOVED if tag in SAFETY else UNCONVERTED
            src = el.get("src") or el.get("data") or ""
            link = ""
            if src.startswith("https://") and tag in ("video", "audio"):
                link = f"[{'動画' if tag == 'video' else '音声'}]({_url(src)})"
            return [self.ctx.note(kind, f"<{tag}> は変換できないので取り除きました{f'（{src}）' if src else ''}") + link]
        if tag == "img":
            paragraph = self.paragraph(self.image(el))
            return [paragraph] if paragraph else []
        if tag == "div" and ("wp-block-embed__wrapper" in classes):
            embed = self.embed(el.text_content().strip(), "")
            return [embed] if embed else self.blocks(el)
        return self.blocks(el)

    def list(self, el, ordered: bool) -> list[str]:
        items = [child for child in el if isinstance(child.tag, str) and child.tag.lower() == "li"]
        start = int(el.get("start")) if ordered and (el.get("start") or "").isdigit() else 1
        rendered = []
        for index, item in enumerate(items):
            marker = f"{start + index}. " if ordered else "- "
            blocks = self.blocks(item) or [""]
            body = blocks[0]
            for block in blocks[1:]:
                body += ("\n" if _LIST_BLOCK.match(block) else "\n\n") + block
            multi = sum(1 for block in blocks if not _LIST_BLOCK.match(block)) > 1
            pad = " " * len(marker)
            lines = body.split("\n")
            text = marker + lines[0] + "".join("\n" + (pad + line if line else "") for line in lines[1:])
            rendered.append((text, multi))
        loose = any(multi for _text, multi in rendered)
        return [("\n\n" if loose else "\n").join(text.rstrip() for text, _multi in rendered)] if rendered else []

    def quote(self, el, tweet: bool) -> list[str]:
        if tweet:
            self.ctx.count("x")
        body = "\n\n".join(self.blocks(el))
        if not body.strip():
            return []
        return ["\n".join("> " + line if line else ">" for line in body.split("\n"))]

    def code(self, el) -> str:
        language = self.language(el)
        text = el.text_content()
        if text.startswith("\n"):
            text = text[1:]
        text = text.rstrip("\n ")
        ticks = max((len(m) for m in re.findall(r"`{3,}", text)), default=0)
        fence = "`" * max(3, ticks + 1)
        note = ""
        if language and language.startswith("?"):
            note = self.ctx.note(UNCONVERTED, f"コードの言語「{language[1:]}」は Pygments にないので、言語なしにしました。"
                                              "合う言語名（python、bash など）を ``` の後ろに書いてください")
            language = ""
        return f"{note}{fence}{language}\n{text}\n{fence}"

    def language(self, el) -> str:
        candidates = [el.get("data-lang") or ""]
        nodes = [el, *el.findall("code")]
        for node in nodes:
            for cls in (node.get("class") or "").replace(";", " ").split():
                match = LANG_CLASS.match(cls)
                if match:
                    candidates.append(match.group(1))
            brush = re.search(r"brush:\s*([\w+#-]+)", node.get("class") or "")
            if brush:
                candidates.append(brush.group(1))
        for name in candidates:
            name = LANG_ALIASES.get(name.lower(), name.lower())
            if not name:
                continue
            from pygments.lexers import get_lexer_by_name
            from pygments.util import ClassNotFound
            try:
                get_lexer_by_name(name)
            except ClassNotFound:
                return "?" + name
            return name
        return ""

    def table(self, el) -> list[str]:
        rows = [row for row in el.iter("tr") if _owner_table(row) is el]
        if not rows:
            return self.blocks(el)
        note = ""
        grid: list[list[str]] = []
        for row in rows:
            cells = []
            for cell in row:
                if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                    continue
                if cell.get("colspan", "1") != "1" or cell.get("rowspan", "1") != "1" or cell.find(".//table") is not None:
                    note = note or self.ctx.note(UNCONVERTED, "結合したセルや入れ子の表は Markdown の表にできないので、"
                                                              "ばらして並べました。表を確かめてください")
                text = self.inline(cell, " ")
                text = re.sub(r"\s+", " ", text.replace("\n", " ")).strip()
                cells.append(text)
            grid.append(cells)
        width = max(len(r) for r in grid)
        if width == 0:
            return []
        grid = [r + [""] * (width - len(r)) for r in grid]
        lines = ["| " + " | ".join(grid[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in grid[1:]]
        out = [note + "\n".join(lines)]
        caption = el.find("caption")
        if caption is not None and caption.text_content().strip():
            out.insert(0, self.paragraph(self.inline(caption)))
        return out

    def deflist(self, el) -> list[str]:
        lines = []
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag.lower() == "dt":
                if lines:
                    lines.append("")
                lines.append(_escape_line_starts(self.inline(child, " ").strip()))
            elif child.tag.lower() == "dd":
                body = "\n\n".join(self.blocks(child)) or ""
                first, *rest = body.split("\n") if body else [""]
                lines.append(": " + first)
                lines.extend(("  " + line if line else "") for line in rest)
        return ["\n".join(lines)] if lines else []

    def figure(self, el, classes: list[str]) -> list[str]:
        if "wp-block-embed" in classes or any(c.startswith("wp-block-embed-") for c in classes):
            wrapper = el.find(".//div")
            url = (wrapper.text_content() if wrapper is not None else el.text_content()).strip().split()[0:1]
            caption = el.find("figcaption")
            embed = self.embed(url[0], caption.text_content() if caption is not None else "") if url else ""
            if embed:
                return [embed]
        images = el.findall(".//img")
        caption = el.find(".//figcaption")
        if len(images) == 1 and caption is not None:
            img = images[0]
            link = img.getparent() if img.getparent() is not None and img.getparent().tag == "a" else None
            prefer = link.get("href", "") if link is not None and IMAGE_SUFFIX.search(link.get("href", "")) else ""
            path = None
            for candidate in (img.get("src") or "", prefer):
                if candidate and (path := self.ctx.image(self.absolute(candidate) or candidate)):
                    break
            if path:
                alt = _WS.sub(" ", img.get("alt") or "").strip()
                text = self.paragraph(self.inline(caption))
                alt_line = f":alt: {alt}\n" if alt else ""
                return [f"```{{figure}} {path}\n{alt_line}\n{text}\n```"]
        return self.blocks(el)

    def iframe(self, el) -> list[str]:
        src = (el.get("src") or el.get("data-src") or "").strip()
        if src.startswith("//"):
            src = "https:" + src
        parts = urlsplit(src)
        if (parts.hostname or "").endswith("hatenablog-parts.com"):
            target = (parse_qs(parts.query).get("url") or [""])[0]
            title = el.get("title") or ""
            embed = self.embed(target, title, hatena=True) if target else ""
            if embed:
                return [embed]
        elif youtube_id(src) or speakerdeck_id(src):
            return [self.embed(src, el.get("title") or "")]
        elif (parts.hostname or "").endswith("speakerdeck.com"):
            self.ctx.count("speakerdeck")
            return [self.ctx.note(UNCONVERTED, f"Speaker Deck の埋め込み（{src}）からはスライドの URL が分かりません。"
                                               "```{speakerdeck} ユーザー名/スライド名``` に書き換えてください")
                    + f"[Speaker Deck のスライド]({_url(src)})"]
        return [self.ctx.note(REMOVED, f"<iframe>（{src or 'src なし'}）を取り除きました。必要なら本文にリンクを書いてください")]

    def script(self, el) -> list[str]:
        src = el.get("src") or ""
        if "platform.twitter.com/widgets.js" in src or "embed.hatena" in src or "platform.x.com" in src:
            return []  # the loader of an embed converted on its own (the tweet's blockquote)
        if "speakerdeck-embed" in (el.get("class") or "") or "speakerdeck.com/assets/embed.js" in src:
            self.ctx.count("speakerdeck")
            return [self.ctx.note(UNCONVERTED, "Speaker Deck の埋め込み（スクリプト）からはスライドの URL が分かりません。"
                                               "```{speakerdeck} ユーザー名/スライド名``` を書いてください")]
        gist = re.match(r"^https?://gist\.github\.com/([\w-]+/)?([0-9a-f]+)\.js", src)
        if gist:
            url = src[: -len(".js")] if src.endswith(".js") else src.split(".js")[0]
            return [self.ctx.note(REMOVED, "Gist の埋め込み（スクリプト）をリンクにしました。コードを本文に貼るか確かめてください")
                    + f"[GitHub Gist]({_url(url)})"]
        what = f"src={src}" if src else _WS.sub(" ", el.text_content()).strip()[:40]
        return [self.ctx.note(REMOVED, f"<script>（{what}）を取り除きました。ページではスクリプトを動かせません")]

    def embed(self, url: str, title: str, hatena: bool = False) -> str:
        """A block for an embedded URL: our safe embeds, else a plain link paragraph ('' if not a URL)."""
        url = url.strip()
        if not re.match(r"^https?://", url):
            return ""
        if ident := youtube_id(url):
            self.ctx.count("youtube")
            return f"```{{youtube}} {ident}\n{_title_option(title)}```"
        if ident := speakerdeck_id(url):
            self.ctx.count("speakerdeck")
            return f"```{{speakerdeck}} {ident}\n{_title_option(title)}```"
        if tweet := tweet_url(url):
            self.ctx.count("x")
            return f"[X の投稿: {escape(title) if title else tweet}]({tweet})"
        target = self.ctx.link(url)
        label = escape(_WS.sub(" ", title).strip()) or escape(url)
        if hatena or target:
            self.ctx.count("hatena" if hatena else "link")
        return f"[{label}]({_url(target or url)})"

    # -- footnotes ------------------------------------------------------------

    def collect_footnotes(self, root) -> None:
        """Find WordPress's and Hatena's footnote lists, mark their references, take the lists out."""
        holders = []
        for ol in root.xpath('.//ol[contains(concat(" ", normalize-space(@class), " "), " wp-block-footnotes ")]'
                             ' | .//*[contains(concat(" ", normalize-space(@class), " "), " footnotes ")]//ol'):
            for li in ol.findall("li"):
                if li.get("id"):
                    self.definitions[li.get("id")] = li
            holders.append(ol)
        for div in root.xpath('.//div[contains(concat(" ", normalize-space(@class), " "), " footnote ")]'):
            for p in div.xpath('.//p[contains(concat(" ", normalize-space(@class), " "), " footnote ")]'):
                anchor = p.find("a")
                key = anchor.get("name") or anchor.get("id") if anchor is not None else None
                if key:
                    text = p.xpath('.//*[contains(concat(" ", normalize-space(@class), " "), " footnote-text ")]')
                    self.definitions[key] = text[0] if text else p
                    if not text and anchor is not None:
                        anchor.drop_tree()
            holders.append(div)
        if not self.definitions:
            return
        for anchor in root.iter("a"):
            href = anchor.get("href") or ""
            key = href[1:] if href.startswith("#") else None
            if key not in self.definitions or _inside(anchor, holders):
                continue
            if key not in self.footnotes:
                self.footnotes[key] = len(self.footnotes) + 1
                self.order.append(key)
            target = anchor
            parent = anchor.getparent()
            if parent is not None and parent.tag == "sup" and len(parent) == 1 and not (parent.text or "").strip():
                target = parent
            marker = etree.Element("span")
            marker.set("data-import-fn", str(self.footnotes[key]))
            marker.tail = target.tail
            target.getparent().replace(target, marker)
        for holder in holders:
            # Back links (↩) out of the definitions, then the lists out of the body.
            for anchor in holder.iter("a"):
                if (anchor.get("href") or "").startswith("#") and anchor.text_content().strip() in ("↩", "↩︎", "^", "↑"):
                    anchor.drop_tree()
            heading = holder.getprevious()
            if holder.getparent() is not None:
                holder.drop_tree()
            if heading is not None and heading.tag in ("h2", "h3", "h4") and heading.text_content().strip() in ("脚注", "注釈"):
                heading.drop_tree()

    def footnote_lines(self) -> list[str]:
        lines = []
        for key in self.order:
            text = self.paragraph(self.inline(self.definitions[key], " ")).replace("\n", " ")
            lines.append(f"[^{self.footnotes[key]}]: {text}")
        unused = [key for key in self.definitions if key not in self.footnotes]
        for key in unused:
            text = self.paragraph(self.inline(self.definitions[key], " "))
            if text:
                lines.append(text)
        return lines


def _inside(el, holders) -> bool:
    parent = el.getparent()
    while parent is not None:
        if any(parent is h for h in holders):
            return True
        parent = parent.getparent()
    return False


def _owner_table(row):
    parent = row.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


# -- WordPress's shortcodes and automatic paragraphs ------------------------------------

_PROTECT = re.compile(r"<(pre|code)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
_CODE_SHORTCODE = re.compile(r"\[(code|sourcecode|source)\b([^\]]*)\](.*?)\[/\1\]", re.IGNORECASE | re.DOTALL)
_CAPTION = re.compile(r"\[caption\b[^\]]*\](.*?)\[/caption\]", re.IGNORECASE | re.DOTALL)
_EMBED = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.IGNORECASE | re.DOTALL)
_SHORTCODE = re.compile(r"\[(/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s\]]+))?)*)\s*/?\]")
KNOWN_SHORTCODES = {"gallery", "audio", "video", "playlist", "embed", "caption", "wp_caption", "contact-form-7",
                    "contact-form", "table", "su_note", "toc", "adsense", "ad", "button", "box", "column", "tweet",
                    "youtube", "googlemaps", "instagram", "more"}
_BLOCK_START = re.compile(r"^\s*<(/?)(p|div|h[1-6]|ul|ol|li|pre|blockquote|table|thead|tbody|tr|td|th|figure|hr|dl|"
                          r"section|iframe|script|style|form|details|!--)", re.IGNORECASE)


def _shortcodes(text: str) -> str:
    def code(match: re.Match) -> str:
        attrs = match.group(2)
        lang = re.search(r"(?:language|lang)=[\"']?([\w+#-]+)", attrs)
        body = match.group(3).strip("\n").replace("<", "&lt;").replace(">", "&gt;")
        cls = f' class="language-{lang.group(1)}"' if lang else ""
        return f"<pre><code{cls}>{body}</code></pre>"

    text = _CODE_SHORTCODE.sub(code, text)
    text = _CAPTION.sub(lambda m: _caption(m.group(1)), text)
    text = _EMBED.sub(lambda m: f"\n\n{m.group(1).strip()}\n\n", text)
    protected: list[str] = []

    def keep(match: re.Match) -> str:
        protected.append(match.group(0))
        return f"\x02{len(protected) - 1}\x02"

    text = _PROTECT.sub(keep, text)

    def shortcode(match: re.Match) -> str:
        name = match.group(2).lower()
        if name in KNOWN_SHORTCODES or "=" in match.group(3):
            note = html.escape(f"ショートコード「{match.group(0)[:60]}」は変換できないので取り除きました", quote=True)
            return "" if match.group(1) else f'<span data-import-note="{note}"></span>'
        return match.group(0)

    text = _SHORTCODE.sub(shortcode, text)
    return re.sub(r"\x02(\d+)\x02", lambda m: protected[int(m.group(1))], text)


def _caption(inner: str) -> str:
    match = re.match(r"\s*((?:<a\b[^>]*>)?\s*<img\b[^>]*>\s*(?:</a>)?)(.*)$", inner, re.DOTALL | re.IGNORECASE)
    if not match:
        return inner
    return f"<figure>{match.group(1)}<figcaption>{match.group(2).strip()}</figcaption></figure>"


def _autop(text: str) -> str:
    """WordPress's classic editor stores paragraphs as blank lines and line breaks as newlines (wpautop)."""
    if "<!-- wp:" in text or "\n" not in text:
        return text
    protected: list[str] = []

    def keep(match: re.Match) -> str:
        protected.append(match.group(0))
        return f"\x02{len(protected) - 1}\x02"

    text = re.sub(r"<(pre|table|ul|ol|script|style|blockquote)\b.*?</\1>", keep, text, flags=re.IGNORECASE | re.DOTALL)
    chunks = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK_START.match(chunk) or re.fullmatch(r"\x02\d+\x02", chunk):
            chunks.append(chunk)
        else:
            chunks.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    text = "\n".join(chunks)
    return re.sub(r"\x02(\d+)\x02", lambda m: protected[int(m.group(1))], text)


# -- the whole body ----------------------------------------------------------------

def _heading_levels(text: str) -> str:
    """Heading levels from ## down, each at most one deeper than the one before (MyST warns otherwise)."""
    found = [int(m) for m in re.findall(r"\x01H(\d)\x01", text)]
    if not found:
        return text
    shift = min(found) - 2
    previous = 1
    levels = []
    for level in found:
        level = max(2, min(level - shift, previous + 1))
        levels.append(level)
        previous = level
    iterator = iter(levels)
    return re.sub(r"\x01H\d\x01", lambda m: "#" * next(iterator), text)


def convert(source: str, ctx: Context, wordpress: bool = False) -> tuple[str, list[tuple[int, Note]]]:
    """MyST for the HTML *source*, and each note with its 1-based line in that Markdown."""
    if wordpress:
        source = _autop(_shortcodes(source))
    if not source.strip():
        return "", []
    try:
        root = lxml_html.fragment_fromstring(source, create_parent="div")
    except (etree.ParserError, ValueError):
        root = lxml_html.fragment_fromstring(html.escape(source), create_parent="div")
    converter = Converter(ctx)
    converter.collect_footnotes(root)
    blocks = converter.blocks(root)
    notes_only = re.compile(r"^(?:\x00\d+\x00)+$")
    merged: list[str] = []
    carry = ""
    for block in blocks:
        if notes_only.match(block.strip()):
            carry += block.strip()
            continue
        merged.append(carry + block)
        carry = ""
    if carry:
        if merged:
            merged[-1] += carry
        else:
            merged.append(carry)
    footnotes = converter.footnote_lines()
    text = "\n\n".join(merged + footnotes)
    text = _heading_levels(text)
    located: list[tuple[int, Note]] = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        for index in _MARKER.findall(line):
            located.append((number, ctx.notes[int(index)]))
    lines = [_MARKER.sub("", line) for line in lines]
    # A line that only held notes (a fence's marker line) keeps its number: the notes point at it.
    return "\n".join(lines).strip("\n") + "\n", located


def plain_text(source: str) -> str:
    """The text of an HTML fragment (an excerpt), on one line."""
    if not source.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(source, create_parent="div")
    except (etree.ParserError, ValueError):
        return _WS.sub(" ", source).strip()
    return _WS.sub(" ", root.text_content()).strip()


def old_path(url: str) -> str:
    """The path of an old URL, decoded and without a trailing slash: what links are matched by."""
    parts = urlsplit(url)
    path = unquote(parts.path).rstrip("/")
    if parts.query and re.fullmatch(r"p=\d+", parts.query):
        path += "?" + parts.query
    return path
