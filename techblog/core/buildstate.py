"""Files our extensions keep in the doctree folder between builds.

Each is a cache or a record of the previous build: missing, unreadable or of an
older shape, it is simply empty and the build does the work again.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path


def load_pickle(path: Path) -> dict:
    try:
        data = pickle.loads(path.read_bytes())
    except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError):
        return {}
    return data if isinstance(data, dict) else {}


def load_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
