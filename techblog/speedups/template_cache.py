"""Compiled Jinja templates kept between builds.

Sphinx's template environment has no bytecode cache, so every build parses and
compiles the theme's ~40 templates again (0.3 to 0.5 s, a sixth of a rebuild
with nothing changed).  Jinja's own ``FileSystemBytecodeCache`` keys each
template by its name and the checksum of its source; the folder is keyed by
what else decides the compiled code (Jinja, Sphinx, the template extensions and
our code, which holds ``techblog.search.indexer.DropStockSearchScripts``).

Jinja also checks, on every include of every page, whether the template file
changed since it was loaded (``auto_reload``: 40,000 ``stat`` calls in a
1,000-post build).  A build loads each template once; a live preview starts a
new build, with a new environment, for each change.

Sphinx renders themes in Jinja's ``SandboxedEnvironment``, which checks every
attribute access and call in a template (a twentieth of writing a page).  The
sandbox guards against untrusted templates; ours come from this repository and
from pinned theme packages, reviewed like ``conf.py``, which runs any Python it
likes.  So the environment is made a plain one before any template is compiled
(the compiled code differs, so it has its own cache folder).  The output is the
same byte for byte (tests/test_speed.py renders with both).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import jinja2
import sphinx
from jinja2.bccache import FileSystemBytecodeCache
from jinja2.sandbox import SandboxedEnvironment
from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.core import staleness
from techblog.speedups.layer import Speedup

FOLDER = "techblog-jinja"


def _key(app: Sphinx, environment: jinja2.Environment) -> str:
    parts = [jinja2.__version__, sphinx.__version__, staleness.inputs_digest(app),
             f"sandboxed={environment.sandboxed}", *sorted(environment.extensions)]
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:16]


def _builder_inited(app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is None or environment.bytecode_cache is not None:
        return
    environment.auto_reload = False
    if type(environment) is SandboxedEnvironment:  # as Sphinx's BuiltinTemplateLoader makes it
        environment.__class__ = jinja2.Environment
    root = Path(app.doctreedir) / FOLDER
    folder = root / _key(app, environment)
    if root.is_dir():
        for old in root.iterdir():
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def _install(patches: Patches, app: Sphinx) -> None:
    # After techblog.search adds its template extension (default priority 500).
    patches.connect(app, "builder-inited", _builder_inited, priority=900)


SPEEDUP = Speedup("template_cache", {"sphinx": "9.0.4", "jinja2": "3.1.6"}, _install)
