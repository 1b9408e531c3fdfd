"""What an import did: counts of each kind, what was added or matched, and every place that needs a human.

The same text goes to the terminal and to a file (``_build/import-report.txt``
unless ``--report`` says otherwise).  It has no time in it: the same import
gives the same report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

KIND_LABELS = {
    "unconverted": "変換できなかった要素",
    "missing-image": "見つからない画像",
    "removed": "取り除いたスクリプト・iframe・ハンドラ",
    "safety": "安全チェック",
    "duplicate": "スラッグの重複",
    "page": "固定ページ",
    "title": "タイトルなし",
    "edited": "手で直された記事",
}
COUNT_LABELS = (
    ("published", "公開"), ("scheduled", "公開予定"), ("draft", "下書き"), ("page", "固定ページ"),
)
SKIP_LABELS = (
    ("private", "非公開"), ("trash", "ゴミ箱"), ("other", "その他（自動下書きなど）"),
)
STATE_LABELS = (
    ("new", "新しく書いた"), ("updated", "更新した"), ("unchanged", "変わっていない"),
    ("changed", "エクスポートで変わった（--update で更新）"), ("edited", "手で直されているので上書きしなかった"),
    ("deleted", "取り込んだ後に消されていたので作らなかった"),
)
EMBED_LABELS = (("youtube", "YouTube"), ("speakerdeck", "Speaker Deck"), ("x", "X"), ("hatena", "はてなの埋め込み"))


@dataclass
class Look:
    path: str
    line: int
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{KIND_LABELS.get(self.kind, self.kind)}] {self.message}"


@dataclass
class Report:
    source: str
    format: str
    imported: Counter = field(default_factory=Counter)  # published, scheduled, draft, page
    skipped: Counter = field(default_factory=Counter)  # private, trash, other
    states: Counter = field(default_factory=Counter)  # new, updated, unchanged, changed, edited, deleted
    embeds: Counter = field(default_factory=Counter)
    images: Counter = field(default_factory=Counter)  # copied, present, missing
    added: dict[str, list[str]] = field(default_factory=dict)
    matched: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)  # slugs made readable or unique
    looks: list[Look] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # files written

    def look(self, path: str, line: int, kind: str, message: str) -> None:
        self.looks.append(Look(path, line, kind, message))

    def text(self) -> str:
        name = {"wordpress": "WordPress", "hatena": "はてなブログ"}.get(self.format, self.format)
        out = [f"make import: {self.source}（{name}）", ""]
        out.append("取り込んだもの: " + _counts(self.imported, COUNT_LABELS))
        out.append("飛ばしたもの: " + _counts(self.skipped, SKIP_LABELS))
        out.append("ファイル: " + _counts(self.states, STATE_LABELS))
        out.append("埋め込み: " + _counts(self.embeds, EMBED_LABELS))
        out.append("画像: " + _counts(self.images, (("copied", "コピーした"), ("present", "コピー済み"),
                                                     ("missing", "見つからない"))))
        needs = Counter(look.kind for look in self.looks)
        out.append(f"確認が必要な箇所: {len(self.looks)}" + (f"（{_counts(needs, tuple(KIND_LABELS.items()))}）" if needs else ""))
        for kind, ids in self.added.items():
            if ids:
                out.append(f"data/{kind}.yml に追加: {', '.join(ids)}")
        if self.matched:
            out += ["", "登録済みの id に合わせたもの（違うなら --map の対応表で直して取り込み直してください）:"]
            out += [f"  {line}" for line in self.matched]
        if self.renamed:
            out += ["", "スラッグ:"] + [f"  {line}" for line in self.renamed]
        if self.looks:
            out += ["", "確認が必要な箇所:"] + [str(look) for look in sorted(self.looks, key=_order)]
        return "\n".join(out) + "\n"


def _order(look: Look) -> tuple:
    return (look.path, look.line, look.kind, look.message)


def _counts(counter: Counter, labels) -> str:
    parts = [f"{label} {counter[key]}" for key, label in labels if counter.get(key)]
    return "、".join(parts) if parts else "なし"
