"""The speed layer: every speedup, each guarded by the versions it was verified against.

A :class:`Speedup` replaces upstream code (or our own product code's offered
hooks) only to make the build faster; with the whole layer off
(``-D techblog_speedups=0``) the build writes the same files.  Each declares
the exact versions of the packages it touches that it was checked against;
when an installed version differs, that speedup stands down for the build and
says so in one line, and the build goes on without it.  Replacements are made
when the build starts and undone when it ends (:class:`~techblog.compat.patching.Patches`).
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sphinx.application import Sphinx
from sphinx.util import logging

from techblog.compat.patching import Patches

logger = logging.getLogger("techblog.speedups")


@dataclass(frozen=True)
class Speedup:
    name: str
    #: distribution name -> the exact version this speedup was verified against
    verified: Mapping[str, str]
    #: makes the replacements through the build's Patches
    install: Callable[[Patches, Sphinx], None]


def installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def drift(speedup: Speedup) -> list[tuple[str, str | None, str]]:
    """(package, installed version, verified version) for each package that differs."""
    found = []
    for distribution, verified in speedup.verified.items():
        installed = installed_version(distribution)
        if installed != verified:
            found.append((distribution, installed, verified))
    return found


def install(speedups: list[Speedup], patches: Patches, app: Sphinx) -> list[str]:
    """Install every speedup whose packages are the verified versions; return the names installed."""
    installed = []
    for speedup in speedups:
        differs = drift(speedup)
        if differs:
            versions = "、".join(f"{name} {have or '(なし)'}（確かめた版は {verified}）" for name, have, verified in differs)
            logger.info("techblog: 高速化 %s を止めました: %s。docs/tech/upgrading.md の手順で確かめ直してください",
                        speedup.name, versions)
            continue
        speedup.install(patches, app)
        installed.append(speedup.name)
    return installed
