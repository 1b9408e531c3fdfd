"""The registries writers edit: ``data/authors.yml``, ``categories.yml``, ``tags.yml``, ``series.yml``.

Each is a YAML mapping keyed by the id writers type in front matter.  Every
entry that gets a page has an ASCII URL slug, and no two entries of a registry
may share one.  Ids are matched the way writers type them: full-width and
half-width forms and letter case do not matter, and tags may have aliases.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from sphinx.application import Sphinx

from techblog import metadata
from techblog.content import yamlsource
from techblog.core.perbuild import PerBuild
from techblog.core.problems import Problem, report_all

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LINK_KINDS = {
    "x": "X",
    "github": "GitHub",
    "website": "Web サイト",
    "speakerdeck": "Speaker Deck",
    "zenn": "Zenn",
    "qiita": "Qiita",
    "hatena": "はてなブログ",
    "facebook": "Facebook",
}


@dataclass
class Entry:
    id: str
    slug: str
    label: str
    description: str = ""
    path: str = ""
    line: int = 0
    extra: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["extra"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class Kind:
    name: str  # file stem and front-matter key family
    noun: str  # how a writer calls it
    label_key: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    id_is_slug: bool  # authors and series: the id is the URL slug


KINDS = {
    "authors": Kind("authors", "著者", "name", ("name",), ("title", "avatar", "bio", "links"), True),
    "categories": Kind("categories", "カテゴリ", "label", ("label", "slug"), ("description",), False),
    "tags": Kind("tags", "タグ", "label", ("label", "slug"), ("description", "aliases"), False),
    "series": Kind("series", "シリーズ", "title", ("title",), ("description",), True),
}


def normalize(value: str) -> str:
    return unicodedata.normalize("NFKC", str(value)).casefold().strip()


class Registry:
    def __init__(self, kind: Kind, path: str):
        self.kind = kind
        self.path = path
        self.entries: dict[str, Entry] = {}
        self._names: dict[str, str] = {}  # normalized id or alias -> id

    def __iter__(self):
        return iter(self.entries.values())

    def __len__(self):
        return len(self.entries)

    def get(self, key: str) -> Entry | None:
        target = self._names.get(normalize(key))
        return self.entries[target] if target else None

    def suggestions(self, key: str) -> list[str]:
        close = difflib.get_close_matches(normalize(key), list(self._names), n=3, cutoff=0.5)
        ids = []
        for name in close:
            if self._names[name] not in ids:
                ids.append(self._names[name])
        return ids

    def unknown_message(self, key: str) -> str:
        hint = self.suggestions(key)
        if hint:
            near = f"近いもの: {', '.join(hint)}。"
        elif self.entries:
            near = f"登録済み: {', '.join(sorted(self.entries)[:12])}。"
        else:
            near = "まだ一つも登録されていません。"
        return (
            f"{self.kind.noun}「{key}」は登録されていません。{near}"
            f"新しい{self.kind.noun}なら {self.path} に追加してください"
        )


@dataclass
class Registries:
    authors: Registry
    categories: Registry
    tags: Registry
    series: Registry
    problems: list[Problem]


def load(root: Path, data_dir: str = "data") -> Registries:
    problems: list[Problem] = []
    loaded = {name: _load_one(root, data_dir, kind, problems) for name, kind in KINDS.items()}
    return Registries(problems=problems, **loaded)


def _load_one(root: Path, data_dir: str, kind: Kind, problems: list[Problem]) -> Registry:
    rel = f"{data_dir}/{kind.name}.yml"
    registry = Registry(kind, rel)
    file = root / rel
    if not file.exists():
        problems.append(Problem(rel, 0, f"{kind.noun}の登録ファイルがありません。{rel} を作ってください"))
        return registry
    loaded = yamlsource.load(file.read_text(encoding="utf-8-sig"))
    problems.extend(Problem(rel, line, msg) for line, msg in loaded.errors)
    data = loaded.data
    if data is None:
        return registry
    if not isinstance(data, dict):
        problems.append(Problem(rel, 1, f"{rel} は「id: 内容」の対応表（YAML のマッピング）にしてください"))
        return registry
    slugs: dict[str, str] = {}
    for key, value in data.items():
        line = data.line_of(key)
        entry = _entry(root, rel, kind, str(key), value, line, problems)
        if entry is None:
            continue
        if entry.slug in slugs:
            problems.append(
                Problem(rel, line, f"URL スラッグ「{entry.slug}」は「{slugs[entry.slug]}」と重複しています。"
                        "別のスラッグにしてください（同じページを二つの項目が取り合います）")
            )
            continue
        names = [entry.id] + list(entry.extra.get("aliases", []))
        clash = [n for n in names if normalize(n) in registry._names]
        if clash:
            problems.append(
                Problem(rel, line, f"「{clash[0]}」は「{registry._names[normalize(clash[0])]}」と同じ名前として扱われます"
                        "（全角・半角と大文字・小文字は区別しません）。一つにまとめてください")
            )
            continue
        slugs[entry.slug] = entry.id
        registry.entries[entry.id] = entry
        for name in names:
            registry._names[normalize(name)] = entry.id
    return registry


def _entry(root, rel, kind: Kind, key: str, value, line: int, problems: list[Problem]) -> Entry | None:
    def fail(message: str, at: int = line) -> None:
        problems.append(Problem(rel, at, message))

    if not isinstance(value, dict):
        fail(f"{kind.noun}「{key}」の内容は {', '.join(kind.required)} などのキーを持つマッピングにしてください")
        return None
    ok = True
    for unknown in [k for k in value if k not in kind.required + kind.optional]:
        close = difflib.get_close_matches(str(unknown), kind.required + kind.optional, n=1)
        fail(f"{kind.noun}「{key}」のキー「{unknown}」は使えません。"
             + (f"「{close[0]}」の書き間違いではありませんか。" if close else "")
             + f"使えるキー: {', '.join(kind.required + kind.optional)}", value.line_of(unknown))
        ok = False
    for missing in [k for k in kind.required if not str(value.get(k) or "").strip()]:
        fail(f"{kind.noun}「{key}」に {missing} がありません。追加してください")
        ok = False
    if kind.id_is_slug and not SLUG.match(key):
        fail(f"{kind.noun}の id「{key}」は URL に使うので、半角英小文字・数字・ハイフンだけにしてください（例: yamada-taro）")
        ok = False
    slug = key if kind.id_is_slug else str(value.get("slug") or "")
    if not kind.id_is_slug and slug and not SLUG.match(slug):
        fail(f"{kind.noun}「{key}」の slug「{slug}」は半角英小文字・数字・ハイフンだけにしてください", value.line_of("slug"))
        ok = False
    extra = {k: value[k] for k in kind.optional if k in value and value[k] is not None}
    if "aliases" in extra:
        aliases = extra["aliases"]
        if isinstance(aliases, str):
            aliases = [aliases]
        if not isinstance(aliases, list) or not all(isinstance(a, (str, int, float)) for a in aliases):
            fail(f"タグ「{key}」の aliases は文字列の YAML リストにしてください", value.line_of("aliases"))
            ok = False
        else:
            extra["aliases"] = [str(a) for a in aliases]
    if "links" in extra:
        links = extra["links"]
        if not isinstance(links, dict):
            fail(f"著者「{key}」の links は「種類: URL」のマッピングにしてください", value.line_of("links"))
            ok = False
        else:
            for name, url in links.items():
                if name not in LINK_KINDS:
                    fail(f"著者「{key}」の links の「{name}」は使えません。使える種類: {', '.join(LINK_KINDS)}",
                         links.line_of(name))
                    ok = False
                elif not str(url).startswith("https://"):
                    fail(f"著者「{key}」の links.{name} は https:// で始まる URL にしてください", links.line_of(name))
                    ok = False
    if "avatar" in extra and not (root / str(extra["avatar"])).is_file():
        fail(f"著者「{key}」の avatar「{extra['avatar']}」が見つかりません。リポジトリのルートからのパスで書いてください",
             value.line_of("avatar"))
        ok = False
    if not ok:
        return None
    return Entry(
        id=key,
        slug=slug,
        label=str(value[kind.label_key]),
        description=str(value.get("description") or value.get("bio") or ""),
        path=rel,
        line=line,
        extra=extra,
    )


_loaded: PerBuild[Registries] = PerBuild()


def of(app: Sphinx) -> Registries:
    """The registries of this build, loaded once per process."""
    regs = _loaded.get(app)
    if regs is None:
        regs = _loaded.set(app, load(Path(app.srcdir), app.config.techblog_data_dir))
        report_all(app, regs.problems)
    return regs


def files(root: Path, data_dir: str) -> tuple[Path, ...]:
    """The registry files, whether they exist or not."""
    return tuple(root / data_dir / f"{name}.yml" for name in KINDS)


def digest(root: Path, data_dir: str) -> str:
    """The registry files' contents, as one digest."""
    found = hashlib.sha256()
    for path in files(root, data_dir):
        found.update(path.name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"-") + b"\0")
    return found.hexdigest()


def _note_digest(app: Sphinx, config) -> None:
    config.techblog_registries_digest = digest(Path(app.srcdir), config.techblog_data_dir)


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.core.problems")
    app.add_config_value("techblog_data_dir", "data", "env", types=[str])
    # Every page shows some of the registries (names, labels, the series in the sidebar), so an
    # edit writes every page again; what reading depends on is in techblog.core.staleness's digest.
    app.add_config_value("techblog_registries_digest", "", "html", types=[str])
    app.connect("config-inited", _note_digest, priority=400)
    app.connect("config-inited", lambda app, config: of(app), priority=400)
    return metadata()
