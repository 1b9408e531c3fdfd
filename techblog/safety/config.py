"""The project's lists, from ``data/safety.yml``: allowed domains and addresses, denied names.

``denied_names`` may also come from a file outside the repository, named by the
environment variable ``TECHBLOG_DENIED_NAMES_FILE`` (one name a line), so that
customer names need not be published in the repository itself.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from techblog.content import yamlsource
from techblog.core.problems import Problem

FILE = "data/safety.yml"
KEYS = ("allowed_domains", "allowed_addresses", "denied_names")


@dataclass
class Config:
    allowed_domains: list[str] = field(default_factory=list)
    allowed_networks: list = field(default_factory=list)
    denied_names: list[str] = field(default_factory=list)


def load(root: Path) -> tuple[Config, list[Problem]]:
    config = Config()
    problems: list[Problem] = []
    file = root / FILE
    if file.is_file():
        loaded = yamlsource.load(file.read_text(encoding="utf-8-sig"))
        problems += [Problem(FILE, line, message) for line, message in loaded.errors]
        data = loaded.data if isinstance(loaded.data, yamlsource.Mapping) else yamlsource.Mapping()
        for key in data:
            if key not in KEYS:
                problems.append(Problem(FILE, data.line_of(key), f"「{key}」は使えないキーです。使えるのは {', '.join(KEYS)} です"))
        for key in KEYS:
            values = data.get(key) or []
            if not isinstance(values, list):
                problems.append(Problem(FILE, data.line_of(key), f"「{key}」は YAML のリスト（- で始まる行）にしてください"))
                continue
            for index, value in enumerate(values):
                line = values.line_of(index) if isinstance(values, yamlsource.Sequence) else data.line_of(key)
                _add(config, key, str(value).strip(), line, problems)
    extra = os.environ.get("TECHBLOG_DENIED_NAMES_FILE")
    if extra and Path(extra).is_file():
        config.denied_names += [n.strip() for n in Path(extra).read_text(encoding="utf-8").splitlines() if n.strip()]
    return config, problems


def _add(config: Config, key: str, value: str, line: int, problems: list[Problem]) -> None:
    if not value:
        return
    if key == "allowed_domains":
        config.allowed_domains.append(value.lower().lstrip("*.").rstrip("."))
    elif key == "denied_names":
        config.denied_names.append(value)
    else:
        try:
            config.allowed_networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            problems.append(Problem(FILE, line, f"「{value}」は IP アドレスとしても範囲（CIDR）としても読めません"))
