"""``make import SOURCE=... [MEDIA=...] [MAP=...] [UPDATE=1]``: the command line of the importer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from techblog.content.frontmatter import utf8

from . import hatena, wordpress
from .entries import Export, ExportError
from .writer import Importer, Options

REPORT = "_build/import-report.txt"


def read(path: Path) -> Export:
    """The export at *path*, WordPress or Hatena Blog by its content (ExportError when neither)."""
    if not path.is_file():
        raise ExportError(f"{path}: エクスポートのファイルがありません。SOURCE= にファイルのパスを書いてください")
    text, line = utf8(path.read_bytes())
    if text is None:
        raise ExportError(f"{path}:{line}: ファイルが UTF-8 ではありません。UTF-8 で書き出し直してください")
    head = text[:4000]
    if wordpress.looks_like(head):
        return wordpress.parse(path)
    if head.lstrip().startswith("<"):
        return wordpress.parse(path)  # an XML file that is no WXR: its own clear message
    if hatena.looks_like(head):
        return hatena.parse(path, text)
    raise ExportError(f"{path}:1: WordPress のエクスポート（WXR の XML）でも、はてなブログのエクスポート（Movable Type 形式）でもありません")


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make import", description="WordPress・はてなブログのエクスポートを posts/ に取り込みます")
    parser.add_argument("source", type=Path, help="エクスポートのファイル（WordPress の .xml、はてなブログの .txt）")
    parser.add_argument("--media", type=Path, help="画像のフォルダ（WordPress の wp-content/uploads、はてなフォトライフから保存した画像など）")
    parser.add_argument("--map", type=Path, help="著者・カテゴリ・タグを登録済みの id に対応づける YAML")
    parser.add_argument("--update", action="store_true", help="エクスポートで変わった記事を書き直す")
    parser.add_argument("--category", default="", help="カテゴリのない記事のカテゴリ id")
    parser.add_argument("--old-url", default="", help="元のブログの URL（独自ドメインのはてなブログで、記事どうしのリンクを見つけるため）")
    parser.add_argument("--report", type=Path, default=None, help=f"報告を書くファイル（既定: {REPORT}）")
    args = parser.parse_args(argv)
    root = root or Path.cwd()
    if args.media is not None and not args.media.is_dir():
        print(f"エラー: MEDIA「{args.media}」はフォルダではありません。画像を入れたフォルダを指定してください", file=sys.stderr)
        return 2
    try:
        export = read(args.source)
        report = Importer(root, export, Options(args.source, args.media, args.map, args.update, args.category,
                                                args.old_url)).run()
    except ExportError as err:
        print(str(err), file=sys.stderr)
        return 1
    text = report.text()
    print(text, end="")
    out = args.report or root / REPORT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"\n報告を {out} に書きました。")
    return 0
