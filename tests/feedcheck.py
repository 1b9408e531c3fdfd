"""Read Atom feeds of a build and check them against RFC 4287."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
NS = {"a": "http://www.w3.org/2005/Atom"}
JST_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$")


@dataclass
class Entry:
    id: str
    title: str
    link: str
    published: str
    updated: str
    authors: list[str]
    categories: list[str]
    summary: str
    content: str


@dataclass
class Feed:
    path: str
    root: etree._Element

    def text(self, tag: str) -> str:
        return self.root.findtext(f"a:{tag}", namespaces=NS)

    def links(self) -> dict[str, str]:
        return {link.get("rel", "alternate"): link.get("href") for link in self.root.findall("a:link", NS)}

    @property
    def entries(self) -> list[Entry]:
        result = []
        for e in self.root.findall("a:entry", NS):
            links = [link for link in e.findall("a:link", NS) if link.get("rel", "alternate") == "alternate"]
            result.append(Entry(
                id=e.findtext("a:id", namespaces=NS),
                title=e.findtext("a:title", namespaces=NS),
                link=links[0].get("href") if links else "",
                published=e.findtext("a:published", namespaces=NS),
                updated=e.findtext("a:updated", namespaces=NS),
                authors=[a.findtext("a:name", namespaces=NS) for a in e.findall("a:author", NS)],
                categories=[c.get("term") for c in e.findall("a:category", NS)],
                summary=e.findtext("a:summary", namespaces=NS) or "",
                content=e.findtext("a:content", namespaces=NS) or "",
            ))
        return result


def read_feed(out: Path, rel: str) -> Feed:
    # A real XML parser, no recovery: a malformed feed fails here.
    root = etree.parse(str(out / rel), etree.XMLParser(recover=False, resolve_entities=False)).getroot()
    return Feed(rel, root)


def feed_paths(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("atom.xml"))


def rfc4287_problems(feed: Feed) -> list[str]:
    """What the feed lacks of RFC 4287's required elements (4.1.1, 4.1.2)."""
    problems = []
    root = feed.root
    if root.tag != f"{ATOM}feed":
        return [f"root is {root.tag}"]
    for tag in ("id", "title", "updated"):
        if len(root.findall(f"a:{tag}", NS)) != 1 or not (root.findtext(f"a:{tag}", namespaces=NS) or "").strip():
            problems.append(f"feed needs exactly one non-empty <{tag}>")
    if "self" not in feed.links():
        problems.append("feed has no rel=self link")
    feed_has_author = root.find("a:author", NS) is not None
    for e in root.findall("a:entry", NS):
        eid = e.findtext("a:id", namespaces=NS)
        for tag in ("id", "title", "updated"):
            if len(e.findall(f"a:{tag}", NS)) != 1:
                problems.append(f"entry {eid} needs exactly one <{tag}>")
        if not feed_has_author and e.find("a:author", NS) is None:
            problems.append(f"entry {eid} has no author and the feed has none")
        for author in e.findall("a:author", NS):
            if not (author.findtext("a:name", namespaces=NS) or "").strip():
                problems.append(f"entry {eid} has an author without a name")
        if e.find("a:content", NS) is None and not any(
            link.get("rel", "alternate") == "alternate" for link in e.findall("a:link", NS)
        ):
            problems.append(f"entry {eid} has neither content nor an alternate link")
    return problems


def urls_in(html: str) -> list[str]:
    if not html.strip():
        return []
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    return [link for _el, _attr, link, _pos in doc.iterlinks()]


def local_file(out: Path, base_url: str, url: str) -> Path | None:
    """The file of the build that an absolute URL of the site points to, if it is one of ours."""
    if not url.startswith(base_url):
        return None
    path = urlsplit(url).path[len(urlsplit(base_url).path):]
    return out / (path or "index.html")
