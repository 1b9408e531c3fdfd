"""The safety check of a whole build's pages in a second process, while Sphinx reads them.

Checking 1,000 posts takes about 2 s.  In the build process it came before
reading, on the one core that reads; here a second process checks the pages
(``python -m techblog.safety.worker JOBS RESULTS``) and the build collects the
findings once everything is read.  Only the input and the output move between
the processes (pickled files in the doctree folder); the checks are the same
functions.  A worker that fails leaves no results, and the build then checks
the pages itself: a page is never left unchecked.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import time
from pathlib import Path

from .config import Config
from .source import Source
from .suppress import Result

Page = tuple[str, Path]  # (path relative to the project root, file)


Checked = tuple[list[tuple[str, Result]], float]  # (path, result) of each page, and the seconds it took


def scan_all(pages: list[Page], root: Path, settings: Config, extensions: frozenset[str]) -> Checked:
    from .extension import scan

    started = time.perf_counter()
    results = [(rel, scan(Source(rel, file.read_bytes().decode("utf-8-sig", errors="replace"), extensions),
                          root, settings)) for rel, file in pages]
    return results, time.perf_counter() - started


class Running:
    """A worker checking *pages*; :meth:`results` waits for it, ``job`` is what to check without it."""

    def __init__(self, folder: Path, pages: list[Page], root: Path, settings: Config, extensions: frozenset[str]):
        folder.mkdir(parents=True, exist_ok=True)
        self.job = (pages, root, settings, extensions)
        self.jobs, self.out = folder / "techblog-safety-jobs.pickle", folder / "techblog-safety-results.pickle"
        self.out.unlink(missing_ok=True)
        self.jobs.write_bytes(pickle.dumps(self.job))
        self.process = subprocess.Popen([sys.executable, "-m", "techblog.safety.worker", str(self.jobs), str(self.out)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        cwd=Path(__file__).resolve().parents[2])

    def results(self) -> Checked | None:
        """What the worker found, or None when it failed."""
        _, error = self.process.communicate()
        try:
            if self.process.returncode == 0:
                return pickle.loads(self.out.read_bytes())
            self.error = (error.decode(errors="replace").strip().splitlines() or ["?"])[-1]
            return None
        except (OSError, pickle.UnpicklingError, EOFError) as failure:
            self.error = str(failure)
            return None
        finally:
            self._remove_files()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._remove_files()

    def _remove_files(self) -> None:
        self.jobs.unlink(missing_ok=True)
        self.out.unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    job = pickle.loads(Path(argv[0]).read_bytes())
    Path(argv[1]).write_bytes(pickle.dumps(scan_all(*job)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
