"""Read one post file: its front matter checked against the schema and the registries.

Nothing here touches Sphinx: :func:`read_post` takes a path and the registries
and returns the post's metadata with every problem found, each at its line.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from markdown_it import MarkdownIt

from techblog.content import jst, yamlsource
from techblog.content.registries import SLUG, Registries
from techblog.core.problems import Problem

KEYS = {
    "title": "タイトル（本文に # 見出し が無いとき）",
    "date": "公開日時（日本時間）",
    "updated": "更新日",
    "author": "著者 id、または共著なら YAML リスト",
    "category": "カテゴリ id（一つ）",
    "tags": "タグ id の YAML リスト",
    "description": "一覧・フィード・リンクプレビューに出る要約",
    "featured": "殿堂入り（true / false）",
    "draft": "下書き（true / false）",
    "series": "シリーズ id",
    "image": "シェア画像のパス",
    "redirect_from": "旧 URL のリスト（記事を移動したとき）",
}
REQUIRED = ("date", "author", "category")
SUFFIXES_NOT_READ = {".markdown", ".mdown", ".mkd", ".rst", ".txt", ".MD", ".Md"}

# Only the block structure is needed to find the H1s (an inline token's ``content`` is its
# source text), so inline parsing is off: half the time of a full parse.
_md = MarkdownIt("commonmark").disable("inline")

# Every line on which CommonMark could start an H1, and more: an ATX "# " or a setext "==="
# underline after any indentation and container markers (quote ">", list "-", "1.").
_MAY_BE_H1 = re.compile(r"^[ \t>*+\-0-9.)]*(?:#(?:[ \t]|$)|=+[ \t]*$)", re.MULTILINE)
_ATX_H1 = re.compile(r" {0,3}#(?:[ \t]|$)")


@dataclass
class PostMeta:
    path: str  # "posts/2026/slug.md", relative to the project root
    docname: str
    slug: str
    date: datetime | None = None
    updated: datetime | None = None
    title: str = ""
    title_line: int = 0
    title_in_front_matter: bool = False
    authors: list[str] = field(default_factory=list)
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    description: str = ""
    featured: bool = False
    draft: bool = False
    series: str | None = None
    image: str | None = None
    redirect_from: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def status(self, now: datetime) -> str:
        if self.problems:
            return "error"
        if self.draft:
            return "draft"
        if self.date > now:
            return "scheduled"
        return "published"


def read_post(root: Path, rel: str, registries: Registries) -> PostMeta:
    docname = rel.rsplit(".", 1)[0]
    meta = PostMeta(path=rel, docname=docname, slug=Path(rel).stem)

    def fail(line: int, message: str) -> None:
        meta.problems.append(Problem(rel, line, message))

    _check_location(meta, fail)
    text = _decode((root / rel).read_bytes(), fail)
    if text is None:
        return meta
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        fail(1, "先頭にフロントマターがありません。1行目を --- にして、date・author・category を書き、--- で閉じてください")
        return meta
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        fail(1, "フロントマターが閉じていません。YAML の最後に --- だけの行を入れてください")
        return meta
    loaded = yamlsource.load("\n".join(lines[1:end]), line_offset=1)
    for line, message in loaded.errors:
        fail(line, message)
    data = loaded.data
    if data is None and not loaded.errors:
        fail(1, "フロントマターが空です。date・author・category を書いてください")
    if not isinstance(data, dict):
        if data is not None:
            fail(2, "フロントマターは「キー: 値」の形で書いてください")
        return meta
    _check_comments_in_values(data, lines, fail)
    _check_fields(meta, data, end + 1, registries, root, fail)
    _check_title(meta, "\n".join(lines[end + 1 :]), end + 1, data, fail)
    return meta


def _check_comments_in_values(data, lines: list[str], fail) -> None:
    """In YAML, `` #`` starts a comment: ``title: 勉強会 #1 レポート`` silently loses its end."""
    for key in ("title", "description"):
        if key not in data or not isinstance(data[key], str):
            continue
        line = data.line_of(key)
        raw = lines[line - 1].split(":", 1)[-1].strip()
        if raw[:1] not in ("'", '"', "|", ">") and " #" in raw:
            fail(line, f"{key} の「 #」から後ろは YAML のコメントとして消えてしまいます。"
                       f"値全体を引用符で囲んでください（例: {key}: \"{raw.replace(chr(34), '')}\"）")


def _check_location(meta: PostMeta, fail) -> None:
    parts = meta.path.split("/")
    if len(parts) != 3 or not re.fullmatch(r"\d{4}", parts[1]):
        fail(0, "記事は posts/<年>/<スラッグ>.md に置いてください（例: posts/2026/nginx-tuning.md）")
    if not SLUG.match(meta.slug):
        fail(0, f"ファイル名「{meta.slug}」は URL になるので、半角英小文字・数字・ハイフンだけにしてください（例: pg16-upgrade.md）")


def utf8(raw: bytes) -> tuple[str | None, int]:
    """``(text, 0)`` of UTF-8 bytes (a byte order mark dropped), or ``(None, line)`` of the first byte that is not UTF-8."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), 0
    except UnicodeDecodeError as err:
        return None, raw[: err.start].count(b"\n") + 1


def _decode(raw: bytes, fail) -> str | None:
    text, line = utf8(raw)
    if text is None:
        guess = ""
        for encoding, name in (("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP")):
            try:
                raw.decode(encoding)
                guess = f"（{name} で保存されているようです）"
                break
            except UnicodeDecodeError:
                pass
        fail(line, f"ファイルが UTF-8 ではありません{guess}。エディタで文字コードを UTF-8 にして保存し直してください")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_fields(meta: PostMeta, data, body_line: int, registries: Registries, root: Path, fail) -> None:
    for key in data:
        if key in KEYS:
            continue
        close = difflib.get_close_matches(str(key).replace("：", ""), list(KEYS), n=1, cutoff=0.6)
        hint = f"「{close[0]}」の書き間違いではありませんか。" if close else ""
        if "：" in str(key):
            hint = "全角のコロン「：」が使われています。半角の「: 」にしてください。" + hint
        fail(data.line_of(key), f"フロントマターのキー「{key}」は使えません。{hint}使えるキー: {', '.join(KEYS)}")
    for key in REQUIRED:
        if data.get(key) in (None, "", []):
            what = {"date": "公開日時（例: date: 2026-11-28 10:00）", "author": "著者（例: author: tanaka）",
                    "category": "カテゴリ（例: category: tech）"}[key]
            fail(data.line_of(key) if key in data else 1, f"{key} がありません。{what}を書いてください")

    meta.date = _date(data, "date", fail)
    meta.updated = _date(data, "updated", fail)
    if meta.date and meta.updated and meta.updated < meta.date:
        fail(data.line_of("updated"), "updated が date より前です。更新日は公開日以降にしてください")
    if meta.date and len(meta.path.split("/")) == 3 and meta.path.split("/")[1] != str(meta.date.year):
        fail(data.line_of("date"), f"date の年（{meta.date.year}）と置き場所の posts/{meta.path.split('/')[1]}/ が違います。"
             f"posts/{meta.date.year}/ に移すか、date を直してください")

    meta.authors = _ids(data, "author", registries.authors, fail, many=True)
    category = _ids(data, "category", registries.categories, fail, many=False)
    meta.category = category[0] if category else None
    meta.tags = _ids(data, "tags", registries.tags, fail, many=True, list_only=True)
    series = _ids(data, "series", registries.series, fail, many=False)
    meta.series = series[0] if series else None

    for key in ("featured", "draft"):
        if key in data and not isinstance(data[key], bool):
            fail(data.line_of(key), f"{key} は true か false で書いてください")
        elif key in data:
            setattr(meta, key, data[key])
    for key in ("title", "description"):
        if key in data and data[key] is not None:
            value = data[key]
            if isinstance(value, (dict, list)):
                fail(data.line_of(key), f"{key} は一行の文字列にしてください")
            elif str(value).strip():
                setattr(meta, key, " ".join(str(value).split()))
    meta.title_in_front_matter = bool(meta.title)
    meta.title_line = data.line_of("title") if meta.title else 0
    if "image" in data and data["image"]:
        image = str(data["image"])
        base = root if image.startswith("/") else (root / meta.path).parent
        if not (base / image.lstrip("/")).is_file():
            fail(data.line_of("image"), f"image「{image}」が見つかりません。記事からの相対パス（または / で始まるルートからのパス）で書いてください")
        else:
            meta.image = image
    if "redirect_from" in data:
        value = data["redirect_from"]
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            fail(data.line_of("redirect_from"), "redirect_from は旧 URL のパス（例: blog/2024/old-name.html）のリストにしてください")
        else:
            bad = [v for v in value if "://" in v or ".." in v]
            if bad:
                fail(data.line_of("redirect_from"), f"redirect_from「{bad[0]}」にはサイト内のパスだけを書いてください（https:// や .. は使えません）")
            else:
                meta.redirect_from = [v.strip().lstrip("/") for v in value]


def _date(data, key: str, fail) -> datetime | None:
    if key not in data or data[key] in (None, ""):
        return None
    value = data[key]
    if isinstance(value, (dict, list)):
        fail(data.line_of(key), f"{key} は一つの日付にしてください（例: 2026-11-28 10:00）")
        return None
    try:
        return jst.parse(str(value))
    except jst.DateError as err:
        fail(data.line_of(key), f"{key}: {err}")
        return None


def _ids(data, key: str, registry, fail, many: bool, list_only: bool = False) -> list[str]:
    if key not in data or data[key] in (None, "", []):
        return []
    value = data[key]
    line = data.line_of(key)
    if isinstance(value, list):
        if not many:
            fail(line, f"{key} は一つだけ書いてください（リストにはできません）")
            return []
        items = [(v, value.line_of(i)) for i, v in enumerate(value)]
    elif isinstance(value, dict):
        fail(line, f"{key} の書き方が違います。例: {key}: [a, b]")
        return []
    else:
        text = str(value)
        if many and ("," in text or "、" in text):
            fail(line, f"{key} が複数なら YAML のリストで書いてください（例: {key}: [{text.replace('、', ',').split(',')[0].strip()}, ...]）")
            return []
        if list_only and not isinstance(value, str):
            fail(line, f"{key} は YAML のリストで書いてください（例: {key}: [障害対応, PostgreSQL]）")
            return []
        items = [(text, line)]
    ids: list[str] = []
    for item, item_line in items:
        if isinstance(item, (dict, list)) or item is None:
            fail(item_line, f"{key} の各要素は id の文字列にしてください")
            continue
        entry = registry.get(str(item))
        if entry is None:
            fail(item_line, registry.unknown_message(str(item)))
        elif entry.id in ids:
            fail(item_line, f"{key} に「{item}」が重複しています。一つにしてください")
        else:
            ids.append(entry.id)
    return ids


def find_h1s(body: str) -> list[tuple[str, int]]:
    """The text and 0-based line of each H1 of the Markdown *body*.

    Most posts open with their one "# タイトル" and have no other line that
    could be an H1: then that line alone is parsed (a block parse of the whole
    post was 0.45 s of a 1,000-post build's start-up).  Only blank lines come
    before it, so nothing (a fence, a list, a quote) can make it other than a
    heading.  Any other post gets the block parse.
    """
    if "\r" not in body:
        candidates = [m.start() for m in _MAY_BE_H1.finditer(body)]
        if not candidates:
            return []
        first = candidates[0]
        if len(candidates) == 1 and not body[:first].strip(" \t\n") and _ATX_H1.match(body, first):
            end = body.find("\n", first)
            heading = _md.parse(body[first:] if end < 0 else body[first:end])
            return [(heading[1].content.strip(), body.count("\n", 0, first))]
    tokens = _md.parse(body)
    return [(tokens[i + 1].content.strip(), token.map[0])
            for i, token in enumerate(tokens) if token.type == "heading_open" and token.tag == "h1"]


def _check_title(meta: PostMeta, body: str, body_line: int, data, fail) -> None:
    h1s = [(text, line + body_line + 1) for text, line in find_h1s(body)]
    for _title, line in h1s[1:]:
        fail(line, "H1（# 見出し）は記事に一つだけにしてください。二つ目以降は ## にしてください")
    if meta.title and h1s:
        fail(meta.title_line, f"タイトルが二つあります（フロントマターの title と {h1s[0][1]}行目の # 見出し）。どちらか一方にしてください")
    elif h1s:
        meta.title, meta.title_line = h1s[0]
    elif not meta.title:
        fail(body_line + 1 if body_line else 1,
             "タイトルがありません。フロントマターに title: を書くか、本文の最初に「# タイトル」を書いてください")
