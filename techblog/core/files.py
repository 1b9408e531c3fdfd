"""Writing output files: only when their bytes change, or over their old bytes."""

from __future__ import annotations

import os
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


def overwrite(path: str | os.PathLike, raw: bytes) -> None:
    """Write *raw* to *path* over its old bytes, then cut the file to their length.

    ``open(path, "wb")`` first truncates the file to nothing, which on the ext4
    disk measured costs 0.25-1.3 ms a file instead of 0.02-0.07 ms (most likely
    ext4's ``auto_da_alloc``, which starts writing back a file truncated to
    nothing when it is closed); a rebuild after adding a post rewrites hundreds
    of listing pages and search shards.  An interrupted build leaves a file
    half written either way.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o666)
    try:
        view = memoryview(raw)
        while view:
            view = view[os.write(fd, view):]
        os.ftruncate(fd, len(raw))
    finally:
        os.close(fd)
