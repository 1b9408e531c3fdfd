"""Build a site, in this process or as a writer or CI would in a subprocess, and read what came out."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"  # fixture sites: roots/test-<name>/ (sphinx.testing's layout)


@dataclass
class Build:
    src: Path
    out: Path
    returncode: int
    output: str  # stdout and stderr, as the writer sees them
    doctrees: Path | None = None  # Sphinx's pickled doctrees and environment
    app: object = field(default=None, repr=False)  # the application, after an in-process build

    def __post_init__(self) -> None:
        if self.doctrees is None:
            self.doctrees = self.out / ".doctrees"  # where sphinx-build puts them

    def html(self, page: str) -> str:
        return (self.out / page).read_text(encoding="utf-8")

    def exists(self, page: str) -> bool:
        return (self.out / page).exists()

    def files(self) -> list[str]:
        return sorted(p.relative_to(self.out).as_posix() for p in self.out.rglob("*") if p.is_file())


def sphinx_build(src: Path, out: Path, *args: str, env: dict | None = None, preview: bool = False,
                 reread: bool = True) -> Build:
    """Build *src* into *out*; ``reread=False`` keeps the saved environment (an incremental build)."""
    # --no-color: Sphinx colours its output when CI=true, and the tests read the plain lines a writer reads.
    cmd = [sys.executable, "-m", "sphinx", "--no-color", *(["-E"] if reread else []), "-W", "--keep-going", "-b", "html",
           str(src), str(out), *args]
    if preview:
        cmd += ["-D", "techblog_preview=1"]
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0", **(env or {})}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=600)
    return Build(src, out, proc.returncode, proc.stdout + proc.stderr)


@contextlib.contextmanager
def environment(env: dict | None):
    """``os.environ`` with *env* set, for the time of the block; a new ``TZ`` is applied (``time.tzset``)."""
    saved = {name: os.environ.get(name) for name in env or {}}
    os.environ.update(env or {})
    if "TZ" in saved:
        time.tzset()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if "TZ" in saved:
            time.tzset()


def build_here(src: Path, out: Path, confoverrides: dict | None = None, env: dict | None = None,
               preview: bool = False, make_app=None, reread: bool = True) -> Build:
    """Build *src* in this process as ``sphinx_build(src, out)`` does (``-E -W``): into ``out/html``.

    ``reread=False`` keeps the environment saved in *out* by the last build there (an incremental build).

    ``returncode`` is the exit status sphinx-build would give (1 after a warning), ``output``
    the status and warning lines.  *confoverrides* are ``-D`` settings; *env* is set while the
    build runs.  With sphinx.testing's ``make_app`` fixture, the application (``Build.app``) is
    kept as it is until the test ends, for a test's only build: Sphinx's global state (docutils
    nodes and directives, translators) is reset only when an application is cleaned up, and a
    second application before that warns of every node registered again.  Without it, the
    application is cleaned up as soon as it has built (as sphinx-build's docutils_namespace does).
    """
    from sphinx._cli.util.errors import strip_escape_sequences
    from sphinx.testing.util import SphinxTestApp

    overrides = {**(confoverrides or {}), **({"techblog_preview": "1"} if preview else {})}
    with environment(env):
        app = (make_app or SphinxTestApp)("html", srcdir=src, builddir=out, freshenv=reread, warningiserror=True,
                                          confoverrides=overrides)
        try:
            app.build()
        finally:
            if make_app is None:
                app.cleanup()
    output = strip_escape_sequences(app.status.getvalue() + app.warning.getvalue())
    return Build(src, Path(app.outdir), app.statuscode, output, Path(app.doctreedir), app)


def root_site(name: str, dest: Path) -> Path:
    """The fixture site ``tests/roots/test-<name>`` copied to *dest*, with the project's templates."""
    shutil.copytree(ROOTS / f"test-{name}", dest)
    add_project_files(dest)
    return dest


AUTHORS = """\
tanaka:
  name: 田中 太郎
  bio: SRE です。
  links:
    github: https://github.com/example-tanaka
suzuki:
  name: 鈴木 花子
  bio: DBA です。
"""
CATEGORIES = """\
tech:
  label: 技術
  slug: tech
event:
  label: イベント
  slug: event
"""
TAGS = """\
障害対応:
  label: 障害対応
  slug: incident-response
  aliases: [インシデント対応]
PostgreSQL:
  label: PostgreSQL
  slug: postgresql
  aliases: [postgres]
パス:
  label: パス
  slug: path
バス:
  label: バス
  slug: bus
"""
SERIES = """\
pg16:
  title: PostgreSQL 16 移行記
"""


def post(date: str = "2026-01-10 10:00", author: str = "tanaka", category: str = "tech",
         tags: str = "[障害対応]", title: str | None = None, body: str = "本文です。", extra: str = "",
         h1: str | None = "テスト記事") -> str:
    lines = ["---"]
    if title is not None:
        lines.append(f"title: {title}")
    lines += [f"date: {date}", f"author: {author}", f"category: {category}", f"tags: {tags}"]
    if extra:
        lines.append(extra.rstrip("\n"))
    lines.append("---")
    text = "\n".join(lines) + "\n\n"
    if h1:
        text += f"# {h1}\n\n"
    return text + textwrap.dedent(body) + "\n"


def make_site(root: Path, posts: dict[str, str | bytes], registries: dict[str, str] | None = None) -> Path:
    """A small site: the project's conf.py and templates, small registries, *posts*."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "conf.py", root / "conf.py")
    add_project_files(root)
    (root / "index.md").write_text("# テストブログ\n\n```{postlist} 10\n```\n", encoding="utf-8")
    data = root / "data"
    data.mkdir(exist_ok=True)
    regs = {"authors": AUTHORS, "categories": CATEGORIES, "tags": TAGS, "series": SERIES, **(registries or {})}
    for name, text in regs.items():
        (data / f"{name}.yml").write_text(text, encoding="utf-8")
    for rel, content in posts.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def add_project_files(root: Path) -> None:
    """The project's templates, static files and message catalogs, which every site of the tests uses."""
    for folder in ("_templates", "_static", "locales"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, root / folder, dirs_exist_ok=True)
