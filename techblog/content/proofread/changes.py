"""The lines a pull request added or changed: ``git diff --unified=0`` against the base."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def changed_lines(root: Path, base: str) -> dict[str, set[int]]:
    """path -> added or changed line numbers, between *base* (its merge base with HEAD) and the work tree."""
    merge_base = _git(root, "merge-base", base, "HEAD").strip() or base
    diff = _git(root, "diff", "--unified=0", "--no-color", "--no-ext-diff", merge_base, "--", "*.md")
    lines: dict[str, set[int]] = {}
    current = None
    for row in diff.splitlines():
        if row.startswith("+++ "):
            name = row[4:].strip()
            current = None if name == "/dev/null" else name.removeprefix("b/")
            if current:
                lines.setdefault(current, set())
        elif current and (found := HUNK.match(row)):
            start, count = int(found.group(1)), int(found.group(2) or 1)
            lines[current].update(range(start, start + count))
    return lines


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if done.returncode and args[0] != "merge-base":
        raise RuntimeError(done.stderr.strip() or f"git {' '.join(args)} に失敗しました")
    return done.stdout
