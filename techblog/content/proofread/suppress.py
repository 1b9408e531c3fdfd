"""``% proofread-allow: rule-id 理由: ...`` on the line before turns that rule off for the next line or block.

As the safety check's suppressions: a MyST comment line, the rule's id, and
a reason after ``理由:`` (or ``reason:``).  The next non-empty line is
allowed, and with it the whole paragraph or list item that starts there.
A suppression without a reason is itself a finding (``proofread-allow``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ALLOW = re.compile(r"^\s*%\s*proofread-allow:\s*(?P<rules>[\w,\s-]+?)\s*(?:(?:理由|reason)\s*[:：]\s*(?P<reason>.*))?$")


@dataclass(frozen=True)
class Allow:
    line: int  # of the comment
    rules: frozenset[str]
    reason: str
    start: int  # the first line allowed
    end: int  # the last line allowed


def find(lines: list[str]) -> list[Allow]:
    found = []
    for number, row in enumerate(lines, 1):
        match = ALLOW.match(row)
        if not match:
            continue
        start = next((n for n in range(number + 1, len(lines) + 1) if lines[n - 1].strip()), number + 1)
        end = next((n - 1 for n in range(start + 1, len(lines) + 1) if not lines[n - 1].strip()), len(lines))
        rules = frozenset(r for r in re.split(r"[,\s]+", match.group("rules")) if r)
        found.append(Allow(number, rules, (match.group("reason") or "").strip(), start, end))
    return found


def allowed(allows: list[Allow], rule: str, line: int) -> bool:
    return any(a.reason and rule in a.rules and a.start <= line <= a.end for a in allows)
