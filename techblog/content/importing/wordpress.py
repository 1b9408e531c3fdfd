"""Read a WordPress export (WXR 1.1 and 1.2) into entries.

Real files spell the ``wp`` namespace with ``http://`` and with ``https://``
(``http://wordpress.org/export/1.2/``); elements are matched by their local
name under either spelling, so both read the same.  Dates are taken from
``wp:post_date_gmt`` (GMT) and shown in Japan time; a draft that was never
saved with a GMT date uses ``wp:post_date`` read as Japan time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from techblog.content import jst

from .entries import Entry, Export, ExportError, Person, Term

_WP = re.compile(r"^https?://wordpress\.org/export/1\.[0-9]+/(excerpt/)?$")


def looks_like(head: str) -> bool:
    return "<rss" in head and "wordpress.org/export/" in head


def _name(element) -> str:
    """``wp:post_id``, ``excerpt:encoded``, ``content:encoded``, ``dc:creator`` or the bare local name."""
    if not isinstance(element.tag, str):
        return ""
    qname = etree.QName(element)
    ns = qname.namespace or ""
    if match := _WP.match(ns):
        return ("excerpt:" if match.group(1) else "wp:") + qname.localname
    if ns == "http://purl.org/rss/1.0/modules/content/":
        return "content:" + qname.localname
    if ns == "http://purl.org/dc/elements/1.1/":
        return "dc:" + qname.localname
    return qname.localname


def _children(element) -> dict[str, list]:
    found: dict[str, list] = {}
    for child in element:
        found.setdefault(_name(child), []).append(child)
    return found


def _text(children: dict[str, list], name: str) -> str:
    nodes = children.get(name) or []
    return (nodes[0].text or "").strip() if nodes else ""


def parse(path: Path) -> Export:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as err:
        line = err.lineno or 1
        raise ExportError(f"{path}:{line}: WordPress のエクスポートを XML として読めません（{err.msg}）。"
                          "WordPress の「ツール → エクスポート」で書き出し直してください") from None
    channel = tree.getroot().find("channel")
    if channel is None or tree.getroot().tag != "rss":
        raise ExportError(f"{path}:1: WordPress のエクスポート（WXR）ではありません。<rss><channel> がありません")
    top = _children(channel)
    if not any(name.startswith("wp:") for name in top):
        raise ExportError(f"{path}:1: WordPress のエクスポート（WXR）ではありません。"
                          "wp 名前空間（http://wordpress.org/export/1.2/）の要素がありません")
    base = _text(top, "wp:base_blog_url") or _text(top, "link")
    export = Export("wordpress", str(path), [], base_url=base.rstrip("/") + "/" if base else "")
    for author in top.get("wp:author", []):
        fields = _children(author)
        login = _text(fields, "wp:author_login")
        if login:
            export.authors[login] = Person(login, _text(fields, "wp:author_display_name") or login, login)
    items = top.get("item", [])
    attachments = [i for i in items if _text(_children(i), "wp:post_type") == "attachment"]
    for item in attachments:
        fields = _children(item)
        url = _text(fields, "wp:attachment_url") or _text(fields, "guid")
        if url:
            export.attachments[url] = _text(fields, "title")
    for item in items:
        entry = _entry(item, export)
        if entry is not None:
            export.entries.append(entry)
    return export


def _entry(item, export: Export) -> Entry | None:
    fields = _children(item)
    post_type = _text(fields, "wp:post_type") or "post"
    if post_type not in ("post", "page"):
        return None  # attachments (read above), menus, revisions, custom types
    post_id = _text(fields, "wp:post_id")
    status = _text(fields, "wp:status") or "publish"
    login = _text(fields, "dc:creator")
    person = export.authors.get(login) or Person(login, login, login)
    categories, tags = [], []
    for node in fields.get("category", []):
        term = Term((node.text or "").strip(), unquote(node.get("nicename") or ""))
        if not term.name:
            continue
        if node.get("domain") == "category":
            categories.append(term)
        elif node.get("domain") == "post_tag":
            tags.append(term)
    link = _text(fields, "link")
    old_paths = []
    if status in ("publish",):
        path = _site_path(link, export.base_url)
        if path:
            old_paths.append(path)
        if post_id and f"archives/{post_id}" not in old_paths:
            old_paths.append(f"archives/{post_id}")
    old_urls = [u for u in (link, _text(fields, "guid")) if u]
    if post_id and export.base_url:
        old_urls += [f"{export.base_url}archives/{post_id}", f"{export.base_url}?p={post_id}"]
    return Entry(
        key=f"wordpress:{post_id or link}",
        kind=post_type,
        status=status,
        title=_text(fields, "title"),
        date=_date(_text(fields, "wp:post_date_gmt"), _text(fields, "wp:post_date")),
        authors=[person] if login else [],
        categories=categories,
        tags=tags,
        body=_text(fields, "content:encoded"),
        line=item.sourceline or 1,
        excerpt=_text(fields, "excerpt:encoded"),
        slug_hint=unquote(_text(fields, "wp:post_name")),
        old_urls=old_urls,
        old_paths=old_paths,
    )


def _site_path(url: str, base: str) -> str:
    """The path of *url* under the old site's address (``2019/04/12/slug/``), Japanese decoded."""
    if not url or "?" in url:
        return ""
    parts, root = urlsplit(url), urlsplit(base)
    path = unquote(parts.path)
    prefix = root.path.rstrip("/") + "/" if root.path else "/"
    if root.netloc and parts.netloc and parts.netloc != root.netloc:
        return ""
    if path.startswith(prefix):
        path = path[len(prefix):]
    return path.lstrip("/")


def _date(gmt: str, local: str) -> datetime | None:
    for text, zone in ((gmt, UTC), (local, jst.JST)):
        if text and not text.startswith("0000"):
            try:
                return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone).astimezone(jst.JST)
            except ValueError:
                continue
    return None
