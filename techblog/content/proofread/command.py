"""``make proofread [FILES=...] [CHANGED_FROM=origin/main] [FORMAT=github]``: the command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from techblog.safety.source import Source

from . import config, prose, suppress, terms
from .output import FORMATS, Finding, summary
from .rules import RULES, Context
from .rules.sentences import style_of

EXTENSIONS = frozenset({"colon_fence", "deflist", "fieldlist"})
FOLDERS = ("posts", "docs")


def default_files(root: Path) -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (root / folder).rglob("*.md"))


def check_file(path: Path, root: Path, settings: config.Settings, dictionary: list[terms.Term]) -> list[Finding]:
    name = path.relative_to(root).as_posix()
    source = Source(name, path.read_text(encoding="utf-8"), EXTENSIONS)
    allows = suppress.find(source.lines)
    blocks = prose.blocks(source)
    expected = _majority_style(blocks)
    findings: list[Finding] = []
    for allow in allows:
        if not allow.reason:
            findings.append(Finding(name, allow.line, 1, "proofread-allow", "error",
                                    "proofread-allow に理由がありません。「理由: 」のあとに、なぜこの指摘を許すのかを書いてください"))
    for block in blocks:
        for rule, check in RULES.items():
            options = settings.rules.get(rule, {})
            if options.get("severity") == "off":
                continue
            context = Context(block, {**options, **({"expected": expected} if rule == "no-mix-dearu-desumasu" else {})})
            for hit in check(context):
                line, column = block.at(hit.start)
                if not suppress.allowed(allows, rule, line):
                    findings.append(Finding(name, line, column, rule, options.get("severity", "warning"), hit.message, hit.fix))
        if settings.rules.get("terms", {}).get("severity") != "off":
            findings += _terms(block, name, dictionary, settings.rules["terms"].get("severity", "error"), allows)
    return sorted(set(findings))


def _terms(block: prose.Block, name: str, dictionary: list[terms.Term], severity: str, allows) -> list[Finding]:
    found = []
    for term in dictionary:
        for match in term.matches(block.text):
            line, column = block.at(match.start())
            if not suppress.allowed(allows, "terms", line):
                found.append(Finding(name, line, column, "terms", severity,
                                     f"「{match.group(0)}」は「{term.fix(match)}」と書きます（{term.file}:{term.line}）",
                                     term.fix(match)))
    return found


def _majority_style(blocks: list[prose.Block]) -> str:
    counts = Counter()
    for block in blocks:
        if block.kind == "paragraph":
            for start, end in prose.sentences(block):
                if style := style_of(block.text[start:end]):
                    counts[style] += 1
    if not counts:
        return ""
    return "ですます" if counts["ですます"] >= counts["である"] else "である"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make proofread", description="記事とドキュメントの文章を校正します")
    parser.add_argument("files", nargs="*", help="検査するファイル（既定: posts/ と docs/ のすべて）")
    parser.add_argument("--changed-from", default=os.environ.get("PROOFREAD_CHANGED_FROM", ""),
                        help="このブランチとの差分で追加・変更した行だけを検査する（例: origin/main）")
    parser.add_argument("--format", choices=sorted(FORMATS), default="text")
    parser.add_argument("--root", default=".", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    settings = config.load(root)
    problems = [f"{config.FILE}:{max(line, 1)}: {message}" for line, message in settings.problems]
    dictionary, trouble = terms.load(root / settings.terms, root)
    problems += [f"{p.file}:{max(p.line, 1)}: {p.message}" for p in trouble]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    files = [Path(f).resolve() for f in args.files] if args.files else default_files(root)
    missing = [f for f in files if not f.is_file()]
    if missing:
        print("\n".join(f"{f}: ファイルがありません" for f in missing), file=sys.stderr)
        return 2
    changed = None
    if args.changed_from:
        from .changes import changed_lines

        try:
            changed = changed_lines(root, args.changed_from)
        except RuntimeError as err:
            print(f"変更した行を調べられません: {err}", file=sys.stderr)
            return 2
        files = [f for f in files if f.relative_to(root).as_posix() in changed]
    findings: list[Finding] = []
    for file in files:
        found = check_file(file, root, settings, dictionary)
        if changed is not None:
            found = [f for f in found if f.line in changed.get(f.path, set())]
        findings += found
    write = FORMATS[args.format]
    for finding in findings:
        print(write(finding))
    print(summary(findings, len(files)), file=sys.stderr if args.format != "text" else sys.stdout)
    return 1 if any(f.severity == "error" for f in findings) else 0
