"""The site is Japanese: a build asked for another language stops at once, with one line saying where to fix it.

Read the Docs passes ``-D language=<the project's language>`` to every build,
and a project created with the default language passes ``en``.  Sphinx would
then build ``<html lang="en">`` pages with its own and the theme's strings in
English beside ours in Japanese, and nothing would tell the administrator.

Stopping was chosen over building the Japanese site anyway: Read the Docs
also uses the project's language for the URL (``/en/latest/``) and for its own
menu and search, so a Japanese site built under an English project would still
be half English; and Sphinx has loaded its messages for the other language
before any extension sees the configuration.  The build stops before it reads
a page, so no page in a mixed language is written.
"""

from __future__ import annotations

import os

from sphinx.application import Sphinx
from sphinx.util import logging

from techblog import metadata
from techblog.core.problems import Problem, conf_line

SITE_LANGUAGE = "ja"
EXIT_STATUS = 2  # what sphinx-build exits with when it cannot build

logger = logging.getLogger("techblog")


def problem(confdir, language: str, on_read_the_docs: bool) -> Problem:
    line = conf_line(confdir, "language")
    if on_read_the_docs:
        fix = ("Read the Docs のプロジェクトの「Settings」→「Language」を「Japanese (ja)」にしてから、"
               "もう一度ビルドしてください（Read the Docs はその設定を -D language=… で渡します）")
    else:
        fix = f"-D language={language} を外すか、conf.py の language を \"{SITE_LANGUAGE}\" に戻してください"
    return Problem("conf.py", line, f"言語が「{language}」になっています。このサイトは日本語（{SITE_LANGUAGE}）だけで作ります。{fix}。")


def _check(app: Sphinx, config) -> None:
    if (config.language or "") == SITE_LANGUAGE:
        return
    found = problem(app.confdir, str(config.language), bool(os.environ.get("READTHEDOCS")))
    logger.error(found.message, location=found.location(), type="techblog", subtype="language")
    # Not an exception: Sphinx would print it with a traceback and ask for a bug report.
    raise SystemExit(EXIT_STATUS)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _check, priority=10)
    return metadata()
