"""Output and source files: written only when their bytes change or over their old bytes, and listed quickly."""

from __future__ import annotations

import os
from collections.abc import Callable
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


def files_under(folder: str | os.PathLike, prefix: str = "",
                skip: Callable[[str], bool] = lambda rel: False) -> list[tuple[str, os.DirEntry]]:
    """(*prefix* + path relative to *folder*, entry) of every file under *folder*, in the order of sorted Paths.

    Folders and files whose path *skip* says are left out; symlinked folders
    are not entered (as ``Path.rglob``).  ``os.scandir`` with strings, and the
    entries' own ``stat`` for the caller: ``rglob``, sorting Path objects and
    ``Path.stat`` took a tenth of a rebuild with nothing changed at 5,000 posts.
    A missing *folder* has no files.
    """
    found = []
    todo = [(os.fspath(folder), prefix)]
    while todo:
        current, base = todo.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            rel = base + entry.name
            if skip(rel):
                continue
            if entry.is_dir(follow_symlinks=False):
                todo.append((entry.path, rel + "/"))
            elif entry.is_file():
                found.append((rel, entry))
    return sorted(found, key=lambda pair: pair[0].split("/"))
