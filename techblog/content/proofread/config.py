"""``data/proofread.yml``: each rule's severity (error, warning, off) and thresholds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from techblog.content import yamlsource

from .rules import RULES

SEVERITIES = ("error", "warning", "off")
FILE = "data/proofread.yml"


@dataclass
class Settings:
    rules: dict[str, dict] = field(default_factory=dict)  # id -> options, with "severity"
    terms: str = "data/terms.yml"
    problems: list[tuple[int, str]] = field(default_factory=list)

    def severity(self, rule: str) -> str:
        return self.rules.get(rule, {}).get("severity", "warning")


def load(root: Path) -> Settings:
    path = root / FILE
    settings = Settings(rules={rule: {"severity": "warning"} for rule in RULES})
    if not path.is_file():
        return settings
    loaded = yamlsource.load(path.read_text(encoding="utf-8"))
    settings.problems += loaded.errors
    data = loaded.data if isinstance(loaded.data, dict) else {}
    settings.terms = str(data.get("terms", settings.terms))
    rules = data.get("rules") or {}
    for rule, options in rules.items():
        line = rules.line_of(rule) if hasattr(rules, "line_of") else 0
        if rule not in RULES and rule != "terms":
            settings.problems.append((line, f"規則「{rule}」はありません。使える規則: {', '.join(sorted(RULES))}, terms"))
            continue
        options = dict(options) if isinstance(options, dict) else {"severity": options}
        if options.get("severity") is False:  # YAML reads a bare off as false
            options["severity"] = "off"
        if options.get("severity", "warning") not in SEVERITIES:
            settings.problems.append((line, f"規則「{rule}」の severity は error・warning・off のどれかにしてください"))
            options["severity"] = "warning"
        settings.rules[rule] = {"severity": "warning", **options}
    settings.rules.setdefault("terms", {"severity": "error"})
    return settings
