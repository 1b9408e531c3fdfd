"""What Sphinx does not notice between two builds into the same folder.

- The registries and settings in ``data/*.yml``, the Japanese UI catalogs in
  ``locales/`` and this package's own code are read outside the documents, so
  Sphinx does not know the pages depend on them.  Their digest is a
  configuration value: when a writer edits an author's name or a tag, or a
  developer changes how a page is made, Sphinx sees a changed configuration
  and reads every page again.  (The speed layer reads again only the posts
  an edit of the registries changed: :mod:`techblog.speedups.registry_edits`.)
- A page whose source is deleted, or a post that goes back to being a draft,
  leaves its HTML (and its copied source) in the output: Sphinx never deletes
  what it wrote.  They are removed at the end of the build, so the output holds
  what a build into an empty folder would (what other extensions write for a
  page, they remove for the pages :func:`removed_docs` lists).
  The same holds for a generated page that a build no longer makes (the last
  page of a listing that got shorter, the listing of a tag left without
  posts): generated pages are noted (:func:`note_generated`) and those of the
  last build that this one did not make are deleted.
  The pages of each build are listed in the doctree folder, so this works even
  when Sphinx starts from a fresh environment.
- A problem found while reading a page (a safety finding, a broken link, any
  warning) is reported only when the page is read.  After a build with
  problems the next build reads the pages with problems again
  (:mod:`techblog.core.warned_pages`; every page when a problem was not about
  a page) and reports every problem again until they are fixed: a failed
  build never turns into a passing one just by running it twice.
- Sphinx saves its environment before it writes the pages, and what this
  package keeps there (what listings show, which posts were read with which
  front matter) says the pages were written.  A build stopped while writing
  (Ctrl-C) left listings, feeds and neighbours without the post it had added,
  and the next build wrote none of them.  So a build is marked unfinished
  until it ends, and the build after an unfinished one starts from a fresh
  environment, as a build into an empty folder would.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sphinx.application import ENV_PICKLE_FILENAME, Sphinx
from sphinx.util import logging

from techblog import metadata
from techblog.core import warned_pages
from techblog.core.perbuild import PerBuild

logger = logging.getLogger(__name__)
PACKAGE = Path(__file__).resolve().parents[1]  # the whole techblog package


def data_digest(root: Path, data_dir: str, leave_out: tuple[Path, ...] = ()) -> str:
    """Digest of everything outside the documents that pages are made from (but the files *leave_out*)."""
    digest = hashlib.sha256()
    files = sorted((root / data_dir).glob("*.yml")) + sorted((root / "locales").rglob("*.po"))
    files += sorted(PACKAGE.rglob("*.py"))
    for path in files:
        if path not in leave_out:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def inputs_digest(app: Sphinx) -> str:
    """What pages are made from besides their sources, for caches of what pages show.

    The data and code digest and the registries' (:mod:`techblog.content.registries`); the speed
    layer leaves out of them what cannot change a page (:mod:`techblog.speedups.registry_edits`).
    """
    config = app.config
    return hashlib.sha256(f"{config.techblog_data_digest}\0{config.techblog_registries_digest}".encode()).hexdigest()


def _config_inited(app: Sphinx, config) -> None:
    config.techblog_data_digest = data_digest(Path(app.srcdir), config.techblog_data_dir)


DOCS_FILE = "techblog-docs.json"
REREAD_MARK = "techblog-reread-all"
UNFINISHED_MARK = "techblog-build-unfinished"


def _fresh_after_an_unfinished_build(app: Sphinx, config) -> None:
    if Path(app.doctreedir, UNFINISHED_MARK).is_file():
        Path(app.doctreedir, ENV_PICKLE_FILENAME).unlink(missing_ok=True)
        logger.info("techblog: 前回のビルドが途中で止まったので、すべてのページを読み直して書き直します")


def _mark_unfinished(app: Sphinx) -> None:
    Path(app.doctreedir).mkdir(parents=True, exist_ok=True)
    Path(app.doctreedir, UNFINISHED_MARK).write_text("", encoding="utf-8")


def _mark_finished(app: Sphinx, exception) -> None:
    if exception is None:
        Path(app.doctreedir, UNFINISHED_MARK).unlink(missing_ok=True)


_removed: PerBuild[set[str]] = PerBuild(set)
_generated: PerBuild[set[str]] = PerBuild(set)
_generated_before: PerBuild[set[str]] = PerBuild(set)


def note_generated(app: Sphinx, pagenames) -> None:
    """Pages this build makes that have no source (listings): a page no longer made is deleted at the end."""
    _generated(app).update(pagenames)


def _last_build(app: Sphinx) -> dict:
    """The documents and generated pages the last build recorded (a list of documents in older builds)."""
    try:
        recorded = json.loads(Path(app.doctreedir, DOCS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {"docs": recorded} if isinstance(recorded, list) else recorded if isinstance(recorded, dict) else {}


def removed_docs(app: Sphinx) -> set[str]:
    """Pages gone since the last build (known once Sphinx has looked for changed sources)."""
    return _removed(app)


def _outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Pages gone since the last build; every page when the last build had problems."""
    last = _last_build(app)
    before = set(last.get("docs", []))
    _generated_before.set(app, set(last.get("generated", [])))
    _removed.set(app, (before | set(removed)) - set(env.found_docs))
    mark = Path(app.doctreedir, REREAD_MARK)
    if not mark.is_file():
        return []
    pages = _marked_pages(mark)
    mark.unlink()
    return sorted(env.found_docs if pages is None else pages & set(env.found_docs))


def _marked_pages(mark: Path) -> set[str] | None:
    """The pages the last build warned about; None for every page (the mark of an older build is empty)."""
    try:
        pages = json.loads(mark.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return set(pages) if isinstance(pages, list) and all(isinstance(p, str) for p in pages) else None


def _delete_removed_outputs(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.builder.outdir)
    found = set(app.env.found_docs)
    for docname in sorted(removed_docs(app) - found):
        targets = [out / app.builder.get_target_uri(docname)]
        targets += (out / "_sources").glob(f"{docname}.*")
        for target in targets:
            if target.is_file():
                target.unlink()
    for pagename in sorted(_generated_before(app) - _generated(app) - found):
        (out / app.builder.get_target_uri(pagename)).unlink(missing_ok=True)


def _record(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    recorded = {"docs": sorted(app.env.found_docs), "generated": sorted(_generated(app))}
    Path(app.doctreedir, DOCS_FILE).write_text(json.dumps(recorded), encoding="utf-8")
    if app.statuscode or getattr(app, "_warncount", 0):
        pages = warned_pages.pages(app)
        Path(app.doctreedir, REREAD_MARK).write_text(json.dumps(None if pages is None else sorted(pages)),
                                                     encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.content.registries")
    app.setup_extension("techblog.core.warned_pages")
    app.add_config_value("techblog_data_digest", "", "env", types=[str])
    app.connect("config-inited", _config_inited, priority=450)
    app.connect("config-inited", _fresh_after_an_unfinished_build)
    app.connect("builder-inited", _mark_unfinished)
    app.connect("build-finished", _mark_finished, priority=990)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _delete_removed_outputs)
    # After techblog.core.problems has counted the writers' problems (900).
    app.connect("build-finished", _record, priority=950)
    return metadata()
