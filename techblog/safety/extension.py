"""The safety check as a Sphinx extension: every page that is built, before it is read.

At ``env-before-read-docs`` the raw Markdown of each page about to be read (posts,
docs and top-level pages; drafts and scheduled posts are already excluded in
production) goes through every rule; many pages are checked by a second process
while Sphinx reads them (:mod:`.worker`), and its findings are collected at
``env-updated``.  Findings are reported through
:func:`techblog.core.problems.report`, so the build fails; suppressed findings are
counted and listed in the build's summary.  Unresolved references (Sphinx's
and MyST's warnings) are reported too, so they fail the build even without ``-W``.
"""

from __future__ import annotations

import logging as std_logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from techblog import metadata
from techblog.core.perbuild import PerBuild
from techblog.core.problems import Problem, report, report_all

from . import config, diagrams, embeds, escaping, images, linkcards, links, markup, suppress, worker
from .source import Finding, Source

logger = logging.getLogger("techblog")


@dataclass
class Stats:
    pages: int = 0
    findings: int = 0
    seconds: float = 0.0
    suppressed: list[tuple[str, Finding, suppress.Allow]] = field(default_factory=list)


def scan(source: Source, root: Path, settings: config.Config) -> suppress.Result:
    """Every rule on one page, then its inline suppressions."""
    # Imported here: detect-secrets and the public suffix list take 40 ms to load,
    # which a rebuild that reads no page does not need.
    from . import addresses, secrets

    findings: list[Finding] = []
    findings += secrets.check(source)
    findings += addresses.check(source, settings)
    findings += markup.check(source)
    findings += images.check(source, root)
    findings += links.check(source)
    findings += diagrams.check(source)
    return suppress.apply(source, sorted(set(findings), key=lambda f: (f.line, f.rule, f.subject)))


_stats: PerBuild[Stats] = PerBuild(Stats)
_settings: PerBuild[config.Config] = PerBuild()
_running: PerBuild[worker.Running | None] = PerBuild()


def _builder_inited(app: Sphinx) -> None:
    settings, problems = config.load(Path(app.srcdir))
    _settings.set(app, settings)
    report_all(app, problems)
    report_all(app, linkcards.check(Path(app.srcdir)))
    _watch_missing_references(app)


# Below this many pages a second process costs more than it saves (0.3 s to start).
WORKER_MIN_PAGES = 100


def _check_pages(app: Sphinx, env, docnames: list[str]) -> None:
    root = Path(app.srcdir)
    pages = []
    for docname in sorted(docnames):
        file = Path(env.doc2path(docname))
        if file.suffix == ".md" and file.is_file():
            pages.append((file.relative_to(root).as_posix(), file))
    if not pages:
        return
    check = (root, _settings(app), frozenset(app.config.myst_enable_extensions))
    if len(pages) >= WORKER_MIN_PAGES:
        _running.set(app, worker.Running(Path(app.doctreedir), pages, *check))
    else:
        _record(app, *worker.scan_all(pages, *check))


def _collect(app: Sphinx, env) -> None:
    """The worker's findings, once every page is read; the pages checked here if it failed."""
    running = _running.pop(app)
    if running is None:
        return
    done = running.results()
    if done is None:
        logger.info(f"安全チェック: 別のプロセスが失敗したので、このプロセスで検査します（{running.error}）")
        done = worker.scan_all(*running.job)
    else:
        logger.info(f"安全チェック: {len(done[0])} ページは読み込みと並行して別のプロセスで検査しました")
    _record(app, *done)


def _record(app: Sphinx, results: list[tuple[str, suppress.Result]], seconds: float) -> None:
    stats = _stats(app)
    for rel, result in results:
        stats.pages += 1
        stats.findings += len(result.findings)
        stats.suppressed += [(rel, finding, allow) for finding, allow in result.suppressed]
        for finding in result.findings:
            report(app, Problem(rel, finding.line, finding.message))
    stats.seconds += seconds


def _stop(app: Sphinx, exception: Exception | None) -> None:
    running = _running.pop(app)
    if running is not None:
        running.stop()


def _summary(app: Sphinx, exception: Exception | None) -> None:
    stats = _stats(app)
    if exception is not None or not stats.pages:
        return
    for rel, finding, allow in stats.suppressed:
        logger.info(f"{rel}:{finding.line}: 許可（{finding.rule} {finding.subject}）理由: {allow.reason}")
    logger.info(f"安全チェック: {stats.pages} ページを検査、指摘 {stats.findings} 件、理由つきで許可 {len(stats.suppressed)} 件"
                f"（{stats.seconds:.1f} 秒）")


class _MissingReference(std_logging.Filter):
    """Turns Sphinx's and MyST's "reference target not found" warnings into problems."""

    def __init__(self, app: Sphinx):
        super().__init__()
        self.app = app

    def filter(self, record: std_logging.LogRecord) -> bool:
        kind = getattr(record, "type", None)
        subtype = getattr(record, "subtype", None)
        if (kind == "myst" and subtype == "xref_missing") or kind == "ref":
            location = str(getattr(record, "location", "") or "")
            match = re.match(r"(.*?):(\d+)$", location)
            path, line = (match.group(1), int(match.group(2))) if match else (location, 0)
            try:
                path = Path(path).resolve().relative_to(Path(self.app.srcdir).resolve()).as_posix()
            except ValueError:
                pass
            target = re.findall(r"not found: '?(.*?)'?(?: \[[\w.]+\])?$", record.getMessage())
            report(self.app, Problem(path, line, f"リンク先「{target[0] if target else ''}」が見つかりません。"
                                     "ファイル名・見出し・ラベルの綴りを確かめ、存在するページや見出しを指してください"))
        return True


def _watch_missing_references(app: Sphinx) -> None:
    for handler in std_logging.getLogger("sphinx").handlers:
        if type(handler).__name__ == "WarningStreamHandler" and not any(isinstance(f, _MissingReference) for f in handler.filters):
            handler.addFilter(_MissingReference(app))


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.core.problems")
    embeds.register(app)
    escaping.register(app)
    app.connect("builder-inited", _builder_inited)
    app.connect("env-before-read-docs", _check_pages)
    app.connect("env-updated", _collect)
    app.connect("build-finished", _stop)
    app.connect("build-finished", _summary, priority=800)
    return metadata()
