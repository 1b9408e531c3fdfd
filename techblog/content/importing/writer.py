"""Write an export into the site: posts, their images, registry entries and the record of what was imported.

``data/imported.yml`` records, for each entry of an export, the post it became,
a digest of the entry as exported and a digest of the file as written.  With
it, importing the same export again changes nothing; ``--update`` rewrites a
post whose entry changed in the export, unless the file was edited since it
was imported (then it is left alone and listed); a post deleted after its
import is not written again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from techblog.content import jst
from techblog.content import registries as site_registries

from . import html_to_myst, slugs
from .entries import Entry, Export, Person
from .registries import Resolver, load_mapping
from .report import Report

LEDGER = "data/imported.yml"
PAGES = "imported-pages"
LEDGER_HEADER = ("# make import の記録: エクスポートの記事ごとに、書いた記事のパスと、記事・ファイルのハッシュ。\n"
                 "# 同じエクスポートをもう一度取り込んでも何も変えず、--update で変わった記事だけを書き直すために使います。\n")
HATENA_HOSTS = ("hatenablog.com", "hatenablog.jp", "hateblo.jp", "hatenadiary.com", "hatenadiary.jp", "hatenadiary.org")
EXTENSIONS = frozenset({"colon_fence", "deflist", "fieldlist"})
WP_SIZE = re.compile(r"-\d+x\d+(?=\.\w+$)")


@dataclass
class Options:
    source: Path
    media: Path | None = None
    map: Path | None = None
    update: bool = False
    category: str = ""
    old_url: str = ""


@dataclass
class Planned:
    entry: Entry
    key: str
    state: str  # published, scheduled, draft, page
    path: str = ""  # relative to the root
    slug: str = ""
    authors: tuple[str, ...] = ()
    category: str = ""
    tags: tuple[str, ...] = ()
    redirects: tuple[str, ...] = ()


class Media:
    """The files of the MEDIA folder, found by the end of an image's URL path or by its file name."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.by_path: dict[str, Path] = {}
        self.by_name: dict[str, list[Path]] = {}
        if folder is not None:
            for file in sorted(folder.rglob("*")):
                if file.is_file():
                    self.by_path[file.relative_to(folder).as_posix()] = file
                    self.by_name.setdefault(file.name, []).append(file)

    def find(self, url: str) -> Path | None:
        if self.folder is None:
            return None
        path = unquote(urlsplit(url).path).lstrip("/")
        for candidate in (path, WP_SIZE.sub("", path)):
            parts = candidate.split("/")
            for index in range(len(parts)):
                found = self.by_path.get("/".join(parts[index:]))
                if found:
                    return found
        for name in (path.rsplit("/", 1)[-1], WP_SIZE.sub("", path.rsplit("/", 1)[-1])):
            files = self.by_name.get(name, [])
            if len(files) == 1:
                return files[0]
        return None


def _digest(data) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:16]


def _status(entry: Entry, now) -> str:
    if entry.status in ("private", "trash"):
        return entry.status
    if entry.status not in ("publish", "future", "draft", "pending"):
        return "other"
    if entry.kind == "page":
        return "page"
    if entry.status in ("draft", "pending"):
        return "draft"
    return "scheduled" if entry.date and entry.date > now else "published"


class Importer:
    def __init__(self, root: Path, export: Export, options: Options):
        self.root = root
        self.export = export
        self.options = options
        self.now = jst.now()
        self.report = Report(options.source.name, export.format)
        self.regs = site_registries.load(root)
        self.resolver = Resolver(self.regs, load_mapping(options.map, self.regs), options.source.name)
        self.default_category = ""
        self.media = Media(options.media)
        self.ledger = self._load_ledger()
        self.links: dict[str, str] = {}  # old path -> post path
        hosts = {urlsplit(u).hostname for u in (export.base_url, options.old_url) if u}
        self.hosts = {h for h in hosts if h}

    # -- the record ----------------------------------------------------------

    def _load_ledger(self) -> dict:
        file = self.root / LEDGER
        if not file.is_file():
            return {}
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            data = {}
        return data if isinstance(data, dict) else {}

    def _write_ledger(self) -> None:
        file = self.root / LEDGER
        text = LEDGER_HEADER + yaml.safe_dump(self.ledger, allow_unicode=True, sort_keys=True, width=1000)
        if not file.is_file() or file.read_text(encoding="utf-8") != text:
            file.write_text(text, encoding="utf-8")
            self.report.files.append(LEDGER)

    # -- planning ------------------------------------------------------------

    def plan(self) -> list[Planned]:
        seen: dict[str, int] = {}
        planned = []
        for entry in self.export.entries:
            seen[entry.key] = seen.get(entry.key, 0) + 1
            key = entry.key if seen[entry.key] == 1 else f"{entry.key}#{seen[entry.key]}"
            if self.export.format == "wordpress" and self.export.base_url:
                key = f"{key}@{self.export.base_url}"
            state = _status(entry, self.now)
            if state in ("private", "trash", "other"):
                self.report.skipped[state] += 1
                continue
            planned.append(Planned(entry, key, state))
        self._ids(planned)
        self._slugs(planned)
        return planned

    def _ids(self, planned: list[Planned]) -> None:
        for item in planned:
            entry = item.entry
            if item.state == "page":
                continue
            people = entry.authors or [Person("unknown", "不明な著者", "unknown")]
            item.authors = tuple(dict.fromkeys(self.resolver.author(p) for p in people))
            categories = entry.categories
            tags = list(entry.tags)
            if self.export.format == "hatena":
                # Hatena's categories are labels, many to a post: tags, unless the mapping makes one the category.
                categories = [t for t in entry.tags if self.resolver.is_mapped_category(t)]
                tags = [t for t in entry.tags if t not in categories]
            ids = [c for c in (self.resolver.category(t) for t in categories) if c]
            if ids:
                item.category = ids[0]
                extra = [t for t in categories[1:] if self.resolver.category(t)]
                tags = extra + tags
            else:
                if not self.default_category:
                    self.default_category = self.resolver.default_category(self.options.category)
                item.category = self.default_category
            item.tags = tuple(dict.fromkeys(self.resolver.tag(t) for t in tags))

    def _slugs(self, planned: list[Planned]) -> None:
        # This export's own posts of an earlier import keep their slugs; every other post's slug is taken.
        keys = {item.key for item in planned}
        owned = {str(v.get("path")) for k, v in self.ledger.items() if k in keys and isinstance(v, dict)}
        taken = {p.stem for p in (self.root / "posts").glob("*/*.md") if p.relative_to(self.root).as_posix() not in owned}
        taken |= {p.stem for p in (self.root / PAGES).glob("*.md") if p.relative_to(self.root).as_posix() not in owned}
        claimed: dict[str, str] = {}
        by_base: dict[str, str] = {}
        for item in planned:
            entry = item.entry
            recorded = self.ledger.get(item.key)
            if isinstance(recorded, dict) and recorded.get("path"):
                item.path = str(recorded["path"])
                item.slug = Path(item.path).stem
            else:
                base = slugs.for_entry(entry.slug_hint, entry.title, entry.date)
                item.slug = slugs.unique(base, taken)
                folder = PAGES if item.state == "page" else f"posts/{(entry.date or self.now).year}"
                item.path = f"{folder}/{item.slug}.md"
                if item.slug != base:
                    first = by_base.get(base)
                    why = f"「{first}」と" if first else "既存の記事と"
                    self.report.look(item.path, 1, "duplicate", f"スラッグ「{base}」が{why}重なるので「{item.slug}」にしました"
                                     f"（エクスポートの {self.export.path}:{entry.line}「{entry.title}」）")
                by_base.setdefault(base, entry.title)
            taken.add(item.slug)
            if entry.slug_hint and entry.slug_hint != item.slug:
                self.report.renamed.append(f"{entry.slug_hint} → {item.path}")
            redirects = []
            for old in entry.old_paths if item.state != "page" else []:
                if old in claimed:
                    self.report.look(item.path, 1, "duplicate",
                                     f"旧 URL「/{old}」は {claimed[old]} に転送するので、この記事からは転送しません"
                                     "（同じベースネーム・スラッグの記事が二つあります）")
                    continue
                claimed[old] = item.path
                redirects.append(old)
            item.redirects = tuple(redirects)
            if item.state == "published":
                for url in entry.old_urls:
                    self.links.setdefault(html_to_myst.old_path(url), item.path)

    # -- links and images ------------------------------------------------------

    def _link(self, url: str, here: str) -> str | None:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if host and host not in self.hosts and not (self.export.format == "hatena" and host.endswith(HATENA_HOSTS)):
            return None
        target = self.links.get(html_to_myst.old_path(url))
        if target is None:
            return None
        return os.path.relpath(target, os.path.dirname(here)).replace(os.sep, "/")

    def _image(self, url: str, item: Planned, write: bool) -> str | None:
        found = self.media.find(url)
        if found is None:
            return None
        folder = Path(item.path).parent / "images" / item.slug
        dest = self.root / folder / found.name
        rel = f"images/{item.slug}/{found.name}"
        if dest.is_file() and dest.read_bytes() == found.read_bytes():
            self.report.images["present"] += 1
        elif write:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(found, dest)
            self.report.images["copied"] += 1
            self.report.files.append((folder / found.name).as_posix())
        return rel

    # -- one post -------------------------------------------------------------

    def front_matter(self, item: Planned, description: str, image: str) -> list[str]:
        entry = item.entry
        title = " ".join(entry.title.split()) or "無題"
        date = entry.date or self.now
        lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", f"date: {date:%Y-%m-%d %H:%M}"]
        authors = list(item.authors)
        lines.append(f"author: {_yaml_list(authors) if len(authors) > 1 else _yaml_scalar(authors[0])}")
        lines.append(f"category: {_yaml_scalar(item.category)}")
        lines.append(f"tags: {_yaml_list(list(item.tags))}")
        if description:
            lines.append(f"description: {json.dumps(description, ensure_ascii=False)}")
        if image:
            lines.append(f"image: {json.dumps(image, ensure_ascii=False)}")
        if item.state == "draft":
            lines.append("draft: true")
        if item.redirects:
            lines.append(f"redirect_from: {_yaml_list(list(item.redirects))}")
        lines.append("---")
        return lines

    def render(self, item: Planned, write: bool) -> tuple[str, list[tuple[int, html_to_myst.Note]], html_to_myst.Context]:
        entry = item.entry
        ctx = html_to_myst.Context(
            image=lambda url: self._image(url, item, write),
            link=lambda url: self._link(url, item.path),
            base_url=self.export.base_url or self.options.old_url,
        )
        body, notes = html_to_myst.convert(entry.body, ctx, wordpress=self.export.format == "wordpress")
        if item.state == "page":
            head = [f"# {html_to_myst.escape(entry.title) or '無題'}", "",
                    "% make import で取り込んだ固定ページです（ビルドされません）。docs/ などに移して目次に入れるか、要らなければ消してください。"]
            if entry.old_urls:
                head.append(f"% 旧 URL: {entry.old_urls[0]}")
            head.append("")
        else:
            description = html_to_myst.plain_text(entry.excerpt)
            image = self._image(entry.image, item, write) if entry.image else None
            head = self.front_matter(item, description, image or "") + [""]
        offset = len(head)
        text = "\n".join(head) + "\n" + body
        return text, [(line + offset, note) for line, note in notes], ctx

    # -- everything ------------------------------------------------------------

    def run(self) -> Report:
        planned = self.plan()
        for item in planned:
            self._one(item)
        for kind, added in self.resolver.added.items():
            self.report.added[kind] = [a.id for a in added]
        self.report.matched = list(self.resolver.matched)
        self.report.files += self.resolver.write(self.root)
        self._write_ledger()
        return self.report

    def _one(self, item: Planned) -> None:
        entry = item.entry
        self.report.imported[item.state] += 1
        source = _digest([entry.title, entry.body, entry.excerpt, entry.status, entry.date.isoformat() if entry.date else "",
                          item.authors, item.category, item.tags, item.redirects, entry.image, item.path])
        file = self.root / item.path
        recorded = self.ledger.get(item.key) if isinstance(self.ledger.get(item.key), dict) else None
        on_disk = _digest(file.read_bytes()) if file.is_file() else None
        if recorded is None:
            state, write = "new", True
        elif on_disk is None:
            state, write = "deleted", False
        elif recorded.get("written") != on_disk:
            state, write = ("edited" if recorded.get("source") != source else "unchanged"), False
        elif recorded.get("source") == source:
            state, write = "unchanged", False
        else:
            state, write = ("updated", True) if self.options.update else ("changed", False)
        self.report.states[state] += 1
        if state == "deleted":
            return
        edited = recorded is not None and on_disk is not None and recorded.get("written") != on_disk
        if edited and state == "edited":
            self.report.look(item.path, 1, "edited", "エクスポートで記事が変わりましたが、取り込んだ後に手で直されているので上書きしませんでした。"
                             "差分を見て手で反映してください")
        text, notes, ctx = self.render(item, write)
        for kind, count in ctx.embeds.items():
            self.report.embeds[kind] += count
        if write:
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text, encoding="utf-8")
            self.report.files.append(item.path)
            on_disk = _digest(text.encode("utf-8"))
        if write or recorded is None:
            self.ledger[item.key] = {"path": item.path, "source": source, "written": on_disk}
        if edited:
            return  # the writer's own text: what we would write is not what is there
        for line, note in notes:
            self.report.look(item.path, line, note.kind, note.message)
            if note.kind == html_to_myst.MISSING_IMAGE:
                self.report.images["missing"] += 1
        if item.state == "page":
            self.report.look(item.path, 1, "page", "固定ページは記事にせず imported-pages/ に置きました。"
                             "docs/ などに移して目次に入れるか、要らなければ消してください")
            return
        if not entry.title.strip():
            self.report.look(item.path, 2, "title", "エクスポートの記事にタイトルがないので「無題」にしました。タイトルを書いてください")
        for line, message in self._safety(item.path, text):
            self.report.look(item.path, line, "safety", message)

    def _safety(self, rel: str, text: str) -> list[tuple[int, str]]:
        from techblog.safety.config import load
        from techblog.safety.extension import scan
        from techblog.safety.source import Source

        if not hasattr(self, "_safety_config"):
            self._safety_config = load(self.root)[0]
        result = scan(Source(rel, text, EXTENSIONS), self.root, self._safety_config)
        return [(finding.line, finding.message) for finding in result.findings]


def _yaml_scalar(value: str) -> str:
    return value if site_registries.SLUG.match(value) else json.dumps(value, ensure_ascii=False)


def _yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(_yaml_scalar(v) for v in values) + "]"
