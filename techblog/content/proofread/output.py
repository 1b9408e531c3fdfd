"""Findings as a writer reads them, as GitHub annotations, or as reviewdog's rdjsonl.

In a pull request, GitHub's workflow commands (``::warning file=...``) are the
default: GitHub shows them on the changed lines with no other tool to install
or trust with a token.  Teams that use reviewdog get ``--format rdjsonl``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    rule: str
    severity: str
    message: str
    fix: str = ""

    def text(self) -> str:
        suggestion = f"（修正案: {self.fix}）" if self.fix else ""
        return f"{self.path}:{self.line}:{self.column}: {self.rule}: {self.message}{suggestion}"


def _escape(value: str, property_: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if property_ else value


def github(finding: Finding) -> str:
    level = "error" if finding.severity == "error" else "warning"
    suggestion = f"（修正案: {finding.fix}）" if finding.fix else ""
    return (f"::{level} file={_escape(finding.path, True)},line={finding.line},col={finding.column},"
            f"title={_escape(finding.rule, True)}::{_escape(finding.message + suggestion)}")


def rdjsonl(finding: Finding) -> str:
    return json.dumps({
        "message": finding.message,
        "location": {"path": finding.path, "range": {"start": {"line": finding.line, "column": finding.column}}},
        "severity": "ERROR" if finding.severity == "error" else "WARNING",
        "source": {"name": "proofread"},
        "code": {"value": finding.rule},
        **({"suggestions": [{"text": finding.fix}]} if finding.fix else {}),
    }, ensure_ascii=False)


FORMATS = {"text": Finding.text, "github": github, "rdjsonl": rdjsonl}


def summary(findings: list[Finding], files: int) -> str:
    if not findings:
        return f"校正: {files} ファイルを検査、指摘はありません"
    by_severity = Counter(f.severity for f in findings)
    by_rule = Counter(f.rule for f in findings)
    rules = "、".join(f"{rule} {n}" for rule, n in sorted(by_rule.items(), key=lambda item: (-item[1], item[0])))
    return (f"校正: {files} ファイルを検査、指摘 {len(findings)} 件（エラー {by_severity['error']} 件、"
            f"警告 {by_severity['warning']} 件）: {rules}")
