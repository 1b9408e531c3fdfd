"""Writer-facing problems: ``path:line: message``, all of them, then a failed build.

Every check in the project reports through :func:`report`.  Nothing here raises:
a writer sees every problem of the build in one run, and the build's exit status
is non-zero when there was at least one, with or without ``-W``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from techblog import metadata
from techblog.core.perbuild import PerBuild

logger = logging.getLogger("techblog")


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the project root, with forward slashes
    line: int  # 1-based; 0 when the problem is about the whole file (shown as line 1)
    message: str

    def location(self) -> str:
        return f"{self.path}:{max(self.line, 1)}"


def conf_line(confdir, name: str) -> int:
    """The line of conf.py where *name* is set (0 when it is not: the problem is then shown at line 1)."""
    conf = Path(confdir) / "conf.py"
    text = conf.read_text(encoding="utf-8") if conf.is_file() else ""
    return next((n for n, row in enumerate(text.splitlines(), 1) if row.startswith(name)), 0)


def report(app: Sphinx, problem: Problem) -> None:
    """Log *problem* once and remember it, so the build fails at the end."""
    seen: set[Problem] = _reported(app)
    if problem in seen:
        return
    seen.add(problem)
    logger.error(problem.message, location=problem.location(), type="techblog", subtype="post")


def report_all(app: Sphinx, problems: list[Problem]) -> None:
    for problem in sorted(problems):
        report(app, problem)


def paths_reported(app: Sphinx) -> set[str]:
    """The files with at least one problem so far (a later check may leave them to the first)."""
    return {problem.path for problem in _reported(app)}


def count(app: Sphinx) -> int:
    return len(_reported(app))


_reported: PerBuild[set[Problem]] = PerBuild(set)


def _fail_if_any(app: Sphinx, exception: Exception | None) -> None:
    n = count(app)
    if n and exception is None:
        logger.error(
            "記事に %d 件の問題があります。上の各行（ファイル:行: 内容）を直してから、もう一度ビルドしてください。",
            n,
            type="techblog",
            subtype="summary",
        )
        app.statuscode = 1


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", _fail_if_any, priority=900)
    return metadata()
