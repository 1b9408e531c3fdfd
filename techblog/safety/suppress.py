"""Inline suppressions: ``% safety-allow: <rule> <subject> 理由: <reason>``.

A suppression names one finding exactly (its rule and subject, as the finding's
message shows them) and says why.  Written alone on a MyST comment line (``%``,
not rendered), it covers the next line, or the whole fenced block when the next
line opens one.  Written anywhere else (for example as a comment inside a code
block), it covers its own line.  Shown in backticks in prose, it is documentation.  A suppression without a reason, or one that
covers nothing, is itself a finding, so none goes stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .source import Finding, Source

SYNTAX = re.compile(
    r"safety-allow\s*[:：]\s*(?P<rule>[a-z]+)\s+(?P<subject>.+?)\s*(?:(?:理由|reason)\s*[:：]\s*(?P<reason>.*?))?\s*(?:-->)?\s*$"
)
RULES = {"secret", "ip", "domain", "name", "html", "image", "link"}
INLINE_CODE = re.compile(r"(`+).+?\1")
FENCE = re.compile(r"\s{0,3}(`{3,}|~{3,}|:{3,})")


@dataclass
class Allow:
    line: int  # where it is written
    rule: str
    subject: str
    reason: str
    covers: range
    used: int = 0

    def matches(self, finding: Finding) -> bool:
        return finding.rule == self.rule and finding.line in self.covers and finding.subject.casefold() == self.subject.casefold()


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[tuple[Finding, Allow]] = field(default_factory=list)


def is_allow_line(line: str) -> bool:
    return "safety-allow" in line


def scannable(line: str) -> str:
    """The part of *line* the rules read: a suppression names what it allows, and is not itself a finding."""
    at = line.find("safety-allow")
    return line if at < 0 else line[:at]


def parse(source: Source) -> tuple[list[Allow], list[Finding]]:
    allows: list[Allow] = []
    problems: list[Finding] = []
    lines = source.lines
    code = source.code_lines() if "safety-allow" in source.text else set()
    for index, line in enumerate(lines):
        if "safety-allow" not in line or (index + 1 not in code and "safety-allow" not in INLINE_CODE.sub("", line)):
            continue  # prose that shows the syntax in backticks is documentation, not a suppression
        number = index + 1
        match = SYNTAX.search(line)
        if not match or match["rule"] not in RULES:
            problems.append(Finding(number, "allow", "", "safety-allow の書き方が違います。"
                                    f"「% safety-allow: 規則 対象 理由: なぜ載せてよいか」と書いてください（規則は {', '.join(sorted(RULES))} のどれか）"))
            continue
        if not (match["reason"] or "").strip():
            problems.append(Finding(number, "allow", match["subject"], "safety-allow に理由がありません。"
                                    "行の最後に「理由: なぜ載せてよいか」を書いてください"))
            continue
        allows.append(Allow(number, match["rule"], match["subject"].strip("`'\""), match["reason"].strip(), _covers(lines, index)))
    return allows, problems


def _covers(lines: list[str], index: int) -> range:
    """Own line, or (for a ``%`` comment line) the next line or fenced block."""
    if not lines[index].lstrip().startswith("%"):
        return range(index + 1, index + 2)
    target = index + 1
    while target < len(lines) and is_allow_line(lines[target]) and lines[target].lstrip().startswith("%"):
        target += 1
    if target >= len(lines):
        return range(0)
    opener = FENCE.match(lines[target])
    if not opener:
        return range(target + 1, target + 2)
    marker = opener.group(1)
    for close in range(target + 1, len(lines)):
        stripped = lines[close].strip()
        if stripped.startswith(marker[0] * len(marker)) and not stripped.strip(marker[0]):
            return range(target + 1, close + 2)
    return range(target + 1, len(lines) + 1)


def apply(source: Source, findings: list[Finding]) -> Result:
    allows, problems = parse(source)
    result = Result(findings=list(problems))
    for finding in findings:
        allow = next((a for a in allows if a.matches(finding)), None)
        if allow is None:
            result.findings.append(finding)
        else:
            allow.used += 1
            result.suppressed.append((finding, allow))
    for allow in allows:
        if not allow.used:
            result.findings.append(Finding(allow.line, "allow", allow.subject,
                                           f"safety-allow（{allow.rule} {allow.subject}）に当てはまる指摘がありません。"
                                           "規則と対象が指摘のメッセージどおりか確かめ、不要ならこの行を消してください"))
    return result
