"""What Sphinx does not notice between two builds into the same folder.

- The registries and settings in ``data/*.yml`` are read by our code, not
  through documents, so Sphinx does not know the pages depend on them.  Their
  digest is a configuration value: when a writer edits an author's name or a
  tag, Sphinx sees a changed configuration and reads every page again.
- A page whose source is deleted, or a post that goes back to being a draft,
  leaves its HTML (and its copied source) in the output: Sphinx never deletes
  what it wrote.  They are removed at the end of the build, so the output holds
  what a build into an empty folder would.
- A problem found while reading a page (a safety finding, a broken link, any
  warning) is reported only when the page is read.  After a build with
  problems the saved environment is dropped, so the next build reads every
  page again and reports every problem again until they are fixed: a failed
  build never turns into a passing one just by running it twice.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sphinx.application import ENV_PICKLE_FILENAME, Sphinx

from . import shareimage


def data_digest(root: Path, data_dir: str) -> str:
    digest = hashlib.sha256()
    folder = root / data_dir
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _config_inited(app: Sphinx, config) -> None:
    config.techblog_data_digest = data_digest(Path(app.srcdir), config.techblog_data_dir)


def _remember_removed(app: Sphinx, env, added, changed, removed) -> list[str]:
    app._techblog_removed = set(removed)
    return []


def _delete_removed_outputs(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.builder.outdir)
    for docname in sorted(getattr(app, "_techblog_removed", ()) - set(app.env.found_docs)):
        targets = [out / app.builder.get_target_uri(docname)]
        targets += (out / "_sources").glob(f"{docname}.*")
        targets += (out / shareimage.FOLDER).glob(f"{docname}.*")  # a post's own share image
        for target in targets:
            if target.is_file():
                target.unlink()


def _forget_after_problems(app: Sphinx, exception) -> None:
    if exception is None and (app.statuscode or getattr(app, "_warncount", 0)):
        Path(app.doctreedir, ENV_PICKLE_FILENAME).unlink(missing_ok=True)


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.registries")
    app.add_config_value("techblog_data_digest", "", "env", types=[str])
    app.connect("config-inited", _config_inited, priority=450)
    app.connect("env-get-outdated", _remember_removed)
    app.connect("build-finished", _delete_removed_outputs)
    # After techblog.problems has counted the writers' problems (900).
    app.connect("build-finished", _forget_after_problems, priority=950)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
