"""Authors, categories and tags of an export -> ids of ``data/*.yml``: mapped, matched, or added.

- The mapping file (``--map``) says which export name is which registered id;
  its values must be registered ids (add a new person to ``data/authors.yml``
  first, then map to it).
- Without a mapping, a category or tag whose name is a registered id, alias or
  label is used as it is; an author only when both the id and the name agree.
  Each such match is listed in the report: nothing is merged silently.
- Anything else is added to ``data/*.yml`` with an ASCII slug, appended at the
  end of the file under a comment, and listed in the report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from techblog.content import registries, yamlsource

from . import slugs
from .entries import ExportError, Person, Term

MAP_KEYS = ("authors", "categories", "tags", "default_category")
UNCATEGORIZED = {"uncategorized", "未分類"}
DEFAULT_CATEGORY = ("imported", "移行した記事")


@dataclass
class Mapping:
    path: str = ""
    authors: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    default_category: str = ""


def load_mapping(path: Path | None, regs: registries.Registries) -> Mapping:
    """The mapping file, every value checked against the registries (ExportError lists every problem)."""
    mapping = Mapping()
    if path is None:
        return mapping
    mapping.path = str(path)
    if not path.is_file():
        raise ExportError(f"{path}: 対応表のファイルがありません。--map にはファイルのパスを書いてください")
    loaded = yamlsource.load(path.read_text(encoding="utf-8-sig"))
    problems = [f"{path}:{line}: {message}" for line, message in loaded.errors]
    data = loaded.data
    if data is None:
        data = yamlsource.Mapping()
    if not isinstance(data, dict):
        raise ExportError(f"{path}:1: 対応表は authors・categories・tags の下に「エクスポートでの名前: id」を書く YAML にしてください")
    kinds = {"authors": regs.authors, "categories": regs.categories, "tags": regs.tags}
    for key in data:
        if key not in MAP_KEYS:
            problems.append(f"{path}:{data.line_of(key)}: 「{key}」は使えないキーです。使えるのは {', '.join(MAP_KEYS)} です")
    for kind, registry in kinds.items():
        section = data.get(kind)
        if section is None:
            continue
        if not isinstance(section, dict):
            problems.append(f"{path}:{data.line_of(kind)}: {kind} の下には「エクスポートでの名前: 登録済みの id」を並べてください")
            continue
        for name, value in section.items():
            entry = registry.get(str(value)) if value is not None else None
            if entry is None:
                problems.append(f"{path}:{section.line_of(name)}: {registry.unknown_message(str(value))}"
                                "（対応表の値には登録済みの id を書きます）")
                continue
            getattr(mapping, kind)[registries.normalize(str(name))] = entry.id
    if data.get("default_category"):
        entry = regs.categories.get(str(data["default_category"]))
        if entry is None:
            problems.append(f"{path}:{data.line_of('default_category')}: {regs.categories.unknown_message(str(data['default_category']))}")
        else:
            mapping.default_category = entry.id
    if problems:
        raise ExportError("\n".join(problems))
    return mapping


@dataclass
class Added:
    id: str
    fields: dict[str, str]


class Resolver:
    def __init__(self, regs: registries.Registries, mapping: Mapping, source_name: str):
        self.regs = regs
        self.mapping = mapping
        self.source_name = source_name
        self.added: dict[str, list[Added]] = {"authors": [], "categories": [], "tags": []}
        self.matched: dict[str, str] = {}  # message -> (kept once, in order)
        self._known: dict[tuple[str, str], str] = {}

    def _note(self, message: str) -> None:
        self.matched.setdefault(message, message)

    def _mapped(self, kind: str, *names: str) -> str | None:
        table = getattr(self.mapping, kind)
        for name in names:
            if name and registries.normalize(name) in table:
                return table[registries.normalize(name)]
        return None

    def _taken(self, kind: str, attr: str) -> set[str]:
        registry = getattr(self.regs, kind)
        values = {getattr(e, attr) for e in registry}
        values |= {a.id if attr == "id" else a.fields.get("slug", a.id) for a in self.added[kind]}
        return values

    # -- authors -------------------------------------------------------------

    def author(self, person: Person) -> str:
        memo = ("authors", person.key)
        if memo in self._known:
            return self._known[memo]
        result = self._author(person)
        self._known[memo] = result
        return result

    def _author(self, person: Person) -> str:
        if mapped := self._mapped("authors", person.key, person.name):
            self._note(f"著者「{person.key}」→ {mapped}（対応表）")
            return mapped
        slug = slugs.for_term(person.key, person.name, "author")
        entry = self.regs.authors.get(slug)
        if entry is not None and _same_name(entry.label, person.name):
            self._note(f"著者「{person.key}（{person.name}）」→ 登録済みの {entry.id}（id と名前が同じ）")
            return entry.id
        for added in self.added["authors"]:
            if added.id == slug and _same_name(added.fields["name"], person.name):
                return added.id
        same_name = [e.id for e in self.regs.authors if _same_name(e.label, person.name)]
        new_id = slugs.unique(slug, self._taken("authors", "id"))
        self.added["authors"].append(Added(new_id, {"name": person.name}))
        if entry is not None or same_name:
            other = entry.id if entry is not None else same_name[0]
            self._note(f"著者「{person.key}（{person.name}）」は新しい id {new_id} で登録しました。"
                       f"登録済みの {other} と同じ人なら、対応表（--map）の authors に「{person.key}: {other}」と書いて取り込み直してください")
        return new_id

    # -- categories and tags -----------------------------------------------

    def category(self, term: Term) -> str | None:
        """The category id, or None for WordPress's "Uncategorized" (the default category is used)."""
        if mapped := self._mapped("categories", term.name, term.slug_hint):
            self._note(f"カテゴリ「{term.name}」→ {mapped}（対応表）")
            return mapped
        if registries.normalize(term.slug_hint) in UNCATEGORIZED or registries.normalize(term.name) in UNCATEGORIZED:
            return None
        return self._term("categories", term)

    def is_mapped_category(self, term: Term) -> bool:
        return self._mapped("categories", term.name, term.slug_hint) is not None

    def tag(self, term: Term) -> str:
        if mapped := self._mapped("tags", term.name, term.slug_hint):
            self._note(f"タグ「{term.name}」→ {mapped}（対応表）")
            return mapped
        return self._term("tags", term)

    def default_category(self, given: str = "") -> str:
        if given:
            entry = self.regs.categories.get(given)
            if entry is None:
                raise ExportError(f"--category: {self.regs.categories.unknown_message(given)}")
            return entry.id
        if self.mapping.default_category:
            return self.mapping.default_category
        return self._term("categories", Term(DEFAULT_CATEGORY[1], DEFAULT_CATEGORY[0]))

    def _term(self, kind: str, term: Term) -> str:
        memo = (kind, registries.normalize(term.name))
        if memo in self._known:
            return self._known[memo]
        registry = getattr(self.regs, kind)
        noun = registry.kind.noun
        entry = registry.get(term.name) or next(
            (e for e in registry if registries.normalize(e.label) == registries.normalize(term.name)), None)
        if entry is not None:
            how = "同じ id" if registries.normalize(entry.id) == registries.normalize(term.name) else "同じ名前・別名"
            self._note(f"{noun}「{term.name}」→ 登録済みの {entry.id}（{how}）")
            self._known[memo] = entry.id
            return entry.id
        slug = slugs.unique(slugs.for_term(term.slug_hint, term.name, kind[:-1] if kind == "tags" else "category"),
                            self._taken(kind, "slug"))
        if kind == "categories":
            new_id = slugs.unique(slug, self._taken(kind, "id"))
            self.added[kind].append(Added(new_id, {"label": term.name, "slug": slug}))
        else:
            new_id = " ".join(term.name.split())
            self.added[kind].append(Added(new_id, {"label": new_id, "slug": slug}))
        self._known[memo] = new_id
        return new_id

    # -- writing -----------------------------------------------------------

    def write(self, root: Path) -> list[str]:
        """Append what was added to ``data/*.yml``; the files changed."""
        changed = []
        for kind, added in self.added.items():
            if not added:
                continue
            rel = f"data/{kind}.yml"
            file = root / rel
            text = file.read_text(encoding="utf-8") if file.is_file() else ""
            block = [f"# make import で追加（{self.source_name}）。名前を確かめ、必要なら説明を書き足してください。"]
            for item in added:
                block.append(f"{_key(item.id)}:")
                block += [f"  {name}: {json.dumps(value, ensure_ascii=False)}" for name, value in item.fields.items()]
                block.append("")
            separator = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
            file.write_text(text + separator + "\n".join(block), encoding="utf-8")
            changed.append(rel)
        return changed


def _same_name(a: str, b: str) -> bool:
    return "".join(registries.normalize(a).split()) == "".join(registries.normalize(b).split())


def _key(value: str) -> str:
    return value if registries.SLUG.match(value) else json.dumps(value, ensure_ascii=False)
