"""Scaffold a new post from ``archetypes/post.md`` (``make new-post``).

Takes slug, title, author, category and tags as options, asks for any that are
missing when run in a terminal, checks them against the registries, dates the
post today in Japan time, and never overwrites an existing post.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from techblog.content import jst, registries
from techblog.content.registries import SLUG

ROOT = Path.cwd()
FIELDS = (
    ("slug", "スラッグ（URL になる半角英小文字・数字・ハイフン。例: nginx-tuning）"),
    ("title", "タイトル"),
    ("author", "著者 id（共著ならカンマ区切り）"),
    ("category", "カテゴリ id"),
    ("tags", "タグ id（カンマ区切り、空でも可）"),
)


def _ask(values: dict[str, str]) -> None:
    for name, prompt in FIELDS:
        if not values.get(name) and name != "tags":
            if not sys.stdin.isatty():
                continue
            values[name] = input(f"{prompt}: ").strip()


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("、", ",").split(",") if part.strip()]


def create(root: Path, values: dict[str, str]) -> tuple[Path | None, list[str]]:
    """Write the post; return its path, or None and the problems found."""
    problems = [f"{name} を指定してください（{prompt}）" for name, prompt in FIELDS if not values.get(name) and name != "tags"]
    regs = registries.load(root)
    slug = values.get("slug", "")
    if slug and not SLUG.match(slug):
        problems.append(f"スラッグ「{slug}」は半角英小文字・数字・ハイフンだけにしてください（例: nginx-tuning）")
    if slug and list((root / "posts").glob(f"*/{slug}.md")):
        existing = next((root / "posts").glob(f"*/{slug}.md")).relative_to(root)
        problems.append(f"スラッグ「{slug}」の記事はもうあります（{existing}）。別のスラッグにしてください")
    resolved: dict[str, list[str]] = {}
    for name, registry in (("author", regs.authors), ("category", regs.categories), ("tags", regs.tags)):
        resolved[name] = []
        for item in _split(values.get(name, "")):
            entry = registry.get(item)
            if entry is None:
                problems.append(registry.unknown_message(item))
            else:
                resolved[name].append(entry.id)
    if len(resolved["category"]) > 1:
        problems.append("カテゴリは一つだけ指定してください")
    if problems:
        return None, problems
    today = jst.now()
    path = root / "posts" / str(today.year) / f"{slug}.md"
    authors = resolved["author"]
    text = (root / "archetypes" / "post.md").read_text(encoding="utf-8").format(
        title=json.dumps(values["title"], ensure_ascii=False),
        date=f"{today:%Y-%m-%d}",
        author=authors[0] if len(authors) == 1 else "[" + ", ".join(authors) + "]",
        category=resolved["category"][0],
        tags="[" + ", ".join(resolved["tags"]) + "]",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as out:  # "x": never overwrite
        out.write(text)
    return path, []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make new-post", description="新しい記事を posts/<年>/<スラッグ>.md に作ります")
    for name, prompt in FIELDS:
        parser.add_argument(f"--{name}", default="", help=prompt)
    values = vars(parser.parse_args(argv))
    _ask(values)
    path, problems = create(ROOT, values)
    if problems:
        for problem in problems:
            print(f"エラー: {problem}", file=sys.stderr)
        return 1
    print(f"{path.relative_to(ROOT)} を作りました（draft: true の下書きです）。`make livehtml` でプレビューできます。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
