"""``make linkcards``: fill the card cache for every card URL of the posts and docs.

``python -m techblog.writing.linkcards [--refresh] [--check] [--timeout SECONDS] [paths...]``

- Finds the cards of every Markdown page under ``posts/`` and ``docs/`` (and the
  top-level pages) with the build's own rule (:mod:`.syntax`).
- Fetches each URL not in ``data/linkcards.yml`` yet (``--refresh``: every URL
  again), one line per URL, and writes the file back sorted by URL.  Entries of
  URLs no page uses any more are removed, with their images.
- ``--check`` fetches nothing: it lists the URLs missing from the cache and fails
  when there is one (what CI runs without the network).
- Exits with 1 when a URL could not be fetched or is missing; never a traceback.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path

from . import cache, syntax

PAGES = ("posts", "docs")
# Tests only: lets the fetcher reach a local server on 127.0.0.1 (never set it anywhere else).
LOOPBACK_ENV = "TECHBLOG_LINKCARDS_ALLOW_LOOPBACK_FOR_TESTS"


def markdown_files(root: Path) -> list[Path]:
    files = sorted(root.glob("*.md"))
    for folder in PAGES:
        files += sorted(p for p in (root / folder).rglob("*.md") if not any(part.startswith(".") for part in p.parts))
    return [f for f in files if f.name not in ("README.md", "CONTRIBUTING.md")]


def card_urls(root: Path, files: list[Path] | None = None) -> dict[str, list[str]]:
    """Each card URL and where it is used (``path:line``), in the order first found."""
    from techblog.safety.source import Source

    extensions = _myst_extensions(root)
    found: dict[str, list[str]] = {}
    for file in files if files is not None else markdown_files(root):
        rel = file.resolve().relative_to(root.resolve()).as_posix()
        source = Source(rel, file.read_bytes().decode("utf-8-sig", errors="replace"), extensions)
        for line, url in syntax.standalone_urls(source.tokens()):
            found.setdefault(url, []).append(f"{rel}:{line}")
    return found


def _myst_extensions(root: Path) -> frozenset[str]:
    """The MyST extensions the build enables (techblog.core.site), plus any conf.py adds."""
    import re

    names = {"colon_fence", "deflist", "fieldlist"}
    conf = root / "conf.py"
    text = conf.read_text(encoding="utf-8") if conf.is_file() else ""
    match = re.search(r"^myst_enable_extensions\s*=\s*\[([^\]]*)\]", text, re.MULTILINE)
    if match:
        names |= set(re.findall(r"[\"']([\w-]+)[\"']", match.group(1)))
    return frozenset(names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make linkcards", description="リンクカードのキャッシュ（data/linkcards.yml）を更新します")
    parser.add_argument("paths", nargs="*", type=Path, help="調べる Markdown ファイル（既定: posts/・docs/ と最上位のページ）")
    parser.add_argument("--refresh", action="store_true", help="キャッシュにある URL も取り直す")
    parser.add_argument("--check", action="store_true", help="取得せず、キャッシュにない URL があれば失敗する（CI 用）")
    parser.add_argument("--timeout", type=float, default=None, help="1 回の通信を待つ秒数（既定 10）")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help=argparse.SUPPRESS)
    parser.add_argument("--allow-loopback-for-tests", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("中断しました。data/linkcards.yml は書き換えていません。", file=sys.stderr)
        return 130


def _run(args) -> int:
    from .fetch import TIMEOUT, FetchError, Options, fetch

    root = args.root.resolve()
    cards, problems = cache.load(root)
    for line, message in problems:
        print(f"{cache.FILE}:{line}: {message}", file=sys.stderr)
    if problems:
        print(f"{cache.FILE} を直してから、もう一度実行してください。", file=sys.stderr)
        return 1
    files = [p.resolve() for p in args.paths] if args.paths else None
    missing_files = [p for p in files or [] if not p.is_file()]
    if missing_files:
        print(f"ファイル「{missing_files[0]}」がありません。", file=sys.stderr)
        return 1
    used = card_urls(root, files)
    if args.check:
        missing = [url for url in used if url not in cards]
        for url in missing:
            print(f"{used[url][0]}: キャッシュにない URL: {url}（make linkcards で取得して data/linkcards.yml をコミットしてください）")
        if missing:
            print(f"リンクカード: {len(used)} 件中 {len(missing)} 件がキャッシュにありません。")
        else:
            print(f"リンクカード: {len(used)} 件すべてキャッシュにあります。")
        return 1 if missing else 0
    options = Options(timeout=args.timeout or TIMEOUT,
                      allow_loopback=args.allow_loopback_for_tests or os.environ.get(LOOPBACK_ENV) == "1")
    today = datetime.date.today().isoformat()
    failed = fetched = 0
    for url, where in used.items():
        if url in cards and not args.refresh:
            print(f"済み  {url}")
            continue
        try:
            card = fetch(url, root, today, options)
        except FetchError as error:
            failed += 1
            print(f"失敗  {url}（{where[0]}）: {error}")
            continue
        fetched += 1
        if url in cards and cards[url].image != card.image:
            _remove_image(root, cards[url])
        cards[url] = card
        print(f"取得  {url}: {card.title}")
    if files is None:
        for url in [u for u in cards if u not in used]:
            _remove_image(root, cards.pop(url))
            print(f"削除  {url}（どのページにもカードとして書かれていません）")
    cache.write(root, cards)
    print(f"リンクカード: 取得 {fetched} 件、失敗 {failed} 件、合計 {len(cards)} 件を {cache.FILE} に書きました。")
    if failed:
        print("失敗した URL は、URL の綴りを確かめるか、カードにせず [リンク文字列](URL) の形で書いてください。")
    return 1 if failed else 0


def _remove_image(root: Path, card: cache.Card) -> None:
    if card.image and cache.is_local_image_path(card.image):
        (root / card.image).unlink(missing_ok=True)
