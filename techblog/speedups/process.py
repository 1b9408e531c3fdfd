"""Work Sphinx and docutils do for every page or log line, done once or not at all.

- Sphinx adds ``?v=<checksum>`` to each stylesheet and script of every page,
  and resolves the file's path for it each time (ten files a page, 0.5 s at
  1,000 posts); the checksum itself it already keeps per path for the whole
  process (``sphinx.builders.html._assets._file_checksum_inner``), so the
  answer per output folder and file name is kept too.
- docutils makes an id from every section title with ``make_id`` (Unicode
  normalisation and three passes of character tables, 15 µs); the same
  headings (はじめに, まとめ) come back in post after post, and the function
  depends on its argument only, so its answers are kept (0.1 s at 1,000 posts).
- Sphinx sets its logger to DEBUG and lets each handler drop what the
  verbosity does not show, so every page makes about ten log records nobody
  sees (progress lines, "emitting event" debug lines: 0.6 s at 1,000 posts).
  The logger's own level is set to the lowest its handlers show, which drops
  the same records before they are made.
- When ``sphinx-build`` has finished the build and is exiting, Python spends
  over a second freeing every object of the build one by one; the process
  ends right away instead, with the build's exit status (as mypy's fast exit
  does).  Only a command-line build that ran to its end does this.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import sys

import docutils.nodes
import sphinx.builders.html as sphinx_html
from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.speedups import gc_tuning
from techblog.speedups.layer import Speedup


def _exit_fast_when_done(app: Sphinx) -> None:
    """Arrange for the process to end without tearing down the heap once the build has ended."""
    if not gc_tuning.command_line_build():
        return
    cleanup = app.builder.cleanup

    def cleanup_then_arm() -> None:
        cleanup()  # the last step of Sphinx.build(); app.statuscode is final after it
        atexit.register(_exit_now, app)

    app.builder.cleanup = cleanup_then_arm


def _exit_now(app: Sphinx) -> None:
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(app.statuscode)


def _install_checksums(patches: Patches, app: Sphinx) -> None:
    patches.replace(sphinx_html, "_file_checksum", functools.cache)


def _install_make_id(patches: Patches, app: Sphinx) -> None:
    patches.replace(docutils.nodes, "make_id", functools.lru_cache(maxsize=8192))


def _install_quiet_logging(patches: Patches, app: Sphinx) -> None:
    sphinx_logger = logging.getLogger("sphinx")
    levels = [handler.level for handler in sphinx_logger.handlers]
    if levels:
        level = sphinx_logger.level
        sphinx_logger.setLevel(min(levels))
        patches.on_undo(lambda: sphinx_logger.setLevel(level))


def _install_fast_exit(patches: Patches, app: Sphinx) -> None:
    patches.connect(app, "builder-inited", _exit_fast_when_done)


SPEEDUPS = [
    Speedup("asset_checksums", {"sphinx": "9.0.4"}, _install_checksums),
    Speedup("make_id_cache", {"docutils": "0.22.4"}, _install_make_id),
    Speedup("quiet_logging", {"sphinx": "9.0.4"}, _install_quiet_logging),
    Speedup("fast_exit", {"sphinx": "9.0.4"}, _install_fast_exit),
]
