"""The terminology dictionary, ``data/terms.yml``, in prh's format, so a published prh rule set can be imported.

A rule has ``expected`` and ``pattern`` or ``patterns``: a string is matched
as written, ``/regex/flags`` as a regular expression (JavaScript's syntax,
as prh's files are written; ``$1`` in ``expected`` is the first group).
Without a pattern, ``expected`` itself is matched ignoring case.  ``specs``
(``from``/``to``) are checked when the file is loaded: a failing spec is an
error at its line.  ``imports`` (a path, or ``path`` with ``ignoreRules``)
loads other prh files first.  ``options.wordBoundary`` matches whole words only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from techblog.content import yamlsource


@dataclass(frozen=True)
class Term:
    expected: str
    patterns: tuple[re.Pattern, ...]
    file: str
    line: int

    def fix(self, found: re.Match) -> str:
        return found.expand(re.sub(r"\$(\d)", r"\\\1", self.expected))

    def apply(self, text: str) -> str:
        for pattern in self.patterns:
            text = pattern.sub(lambda m: self.fix(m), text)
        return text

    def matches(self, text: str):
        for pattern in self.patterns:
            for found in pattern.finditer(text):
                if found.group(0) != self.fix(found):
                    yield found


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str


def load(path: Path, root: Path, seen: frozenset[str] = frozenset()) -> tuple[list[Term], list[Problem]]:
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
    if not path.is_file():
        return [], [Problem(name, 0, f"用語の辞書 {name} がありません")]
    loaded = yamlsource.load(path.read_text(encoding="utf-8"))
    if loaded.errors:
        return [], [Problem(name, line, message) for line, message in loaded.errors]
    data = loaded.data if isinstance(loaded.data, dict) else {}
    terms: list[Term] = []
    problems: list[Problem] = []
    for entry in data.get("imports") or []:
        target = entry.get("path") if isinstance(entry, dict) else entry
        ignored = set(entry.get("ignoreRules") or []) if isinstance(entry, dict) else set()
        file = (path.parent / str(target)).resolve()
        if str(file) in seen:
            continue
        more, trouble = load(file, root, seen | {str(path.resolve())})
        terms += [t for t in more if t.expected not in ignored]
        problems += trouble
    rules = data.get("rules") or []
    for index, rule in enumerate(rules):
        line = rules.line_of(index) if hasattr(rules, "line_of") else 0
        term, trouble = _term(rule, name, line)
        problems += trouble
        if term:
            terms.append(term)
            problems += _specs(term, rule, name, line)
    return terms, problems


def _term(rule, name: str, line: int) -> tuple[Term | None, list[Problem]]:
    if not isinstance(rule, dict) or not rule.get("expected"):
        return None, [Problem(name, line, "用語の規則に expected（正しい書き方）がありません")]
    expected = str(rule["expected"])
    raw = rule.get("patterns") or ([rule["pattern"]] if rule.get("pattern") else [])
    word = bool((rule.get("options") or {}).get("wordBoundary"))
    try:
        patterns = tuple(_pattern(str(p), word) for p in raw) or (re.compile(_bounded(re.escape(expected), word), re.I),)
    except re.error as err:
        return None, [Problem(name, line, f"用語「{expected}」のパターンが正規表現として正しくありません: {err}")]
    return Term(expected, patterns, name, line), []


def _bounded(regex: str, word: bool) -> str:
    return rf"(?<![\w]){regex}(?![\w])" if word else regex


def _pattern(text: str, word: bool) -> re.Pattern:
    found = re.fullmatch(r"/(.*)/([a-z]*)", text, re.S)
    if not found:
        return re.compile(_bounded(re.escape(text), word))
    body = re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", found.group(1))
    flags = re.I if "i" in found.group(2) else 0
    return re.compile(_bounded(body, word), flags)


def _specs(term: Term, rule: dict, name: str, line: int) -> list[Problem]:
    problems = []
    for spec in rule.get("specs") or []:
        source, wanted = str(spec.get("from", "")), str(spec.get("to", ""))
        got = term.apply(source)
        if got != wanted:
            problems.append(Problem(name, line, f"用語「{term.expected}」の specs が通りません: 「{source}」は"
                                    f"「{wanted}」になるはずが「{got}」になりました。パターンか specs を直してください"))
    return problems
