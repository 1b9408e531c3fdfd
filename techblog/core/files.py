"""Writing output files only when their bytes change."""

from __future__ import annotations

from pathlib import Path


def write_if_changed(path: Path, raw: bytes) -> bool:
    """Write *raw* to *path* unless the file already holds exactly these bytes; whether it wrote.

    A file left as it was keeps its time, so a host or a sync tool sees it unchanged.
    """
    try:
        if path.stat().st_size == len(raw) and path.read_bytes() == raw:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return True
