"""An edit of the registries reads again only the posts it changes, and adding entries writes no page.

The registries (``data/authors.yml``, ``categories.yml``, ``tags.yml``,
``series.yml``) are in the digest of :mod:`techblog.core.staleness`, an
``env`` setting, so any edit of them read every page again: registering a new
tag, which a writer must do before a post may use it, cost a clean build's
reading (about 90 s at 5,000 posts) and writing.

Yet reading a page does not look at the registries: a post's ablog entry, its
title and dates come from its checked front matter
(:mod:`techblog.content.posts`), whose ids are already resolved (aliases,
full-width forms), and what pages show of the registries (names, labels,
descriptions, the series in the sidebar) is put in when pages are written.
So here:

- the registries are left out of that ``env`` digest, and when they changed,
  only the posts whose checked front matter is not what it was when they were
  last read are read again (a post using an alias that now names another tag);
- every page is written again when an entry of the last build was changed or
  removed (the registries' digest is an ``html`` setting,
  :mod:`techblog.content.registries`), but entries only added change no page
  of the last build: a page shows an entry only for a post that uses it, and
  no post the last build made can use an entry it did not have (a name
  already taken cannot be registered again).  The posts that start using the
  new entries are new pages, which the incremental build handles
  (:mod:`techblog.compat.incremental`).  So that setting keeps the last
  build's value then.

With the layer off, every page is read again as before, to the same files
(``tests/test_incremental.py``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sphinx.application import Sphinx

from techblog.compat import incremental
from techblog.compat.patching import Patches
from techblog.content import posts, registries
from techblog.core.perbuild import PerBuild
from techblog.speedups.layer import Speedup

KEPT = "techblog_front_matter_read"  # env: the registries' digest and each built post's front-matter key
SHOWN = "techblog-registries-shown.json"  # the registries' html setting and a key of each entry, last build


def _entry_key(entry: registries.Entry) -> str:
    """What pages can show of an entry (not where it is in its file)."""
    shown = (entry.id, entry.slug, entry.label, entry.description, sorted(entry.extra.items()))
    return hashlib.sha1(repr(shown).encode("utf-8")).hexdigest()[:16]


def _entry_keys(app: Sphinx) -> dict[str, dict[str, str]]:
    regs = registries.of(app)
    return {kind: {e.id: _entry_key(e) for e in getattr(regs, kind)} for kind in registries.KINDS}


def _only_added(before: dict, now: dict) -> bool:
    return all(now.get(kind, {}).get(i) == key for kind, keys in before.items() for i, key in keys.items())


def _shown_setting(app: Sphinx) -> str:
    """The registries' html setting: the last build's while entries were only added since."""
    try:
        last = json.loads(Path(app.doctreedir, SHOWN).read_text(encoding="utf-8"))
        if _only_added(last["entries"], _entry_keys(app)):
            return last["setting"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return app.config.techblog_registries_digest


def _note_shown(app: Sphinx, exception) -> None:
    if exception is None and app.builder.format == "html":
        shown = {"setting": app.config.techblog_registries_digest, "entries": _entry_keys(app)}
        Path(app.doctreedir, SHOWN).write_text(json.dumps(shown, ensure_ascii=False), encoding="utf-8")


def _front_matter_key(meta) -> str:
    return hashlib.sha1(repr(meta).encode("utf-8")).hexdigest()[:16]


_digest: PerBuild[str] = PerBuild()  # the registries' files, this build


def _read_again(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Posts whose checked front matter is not the one they were last read with, when the registries changed."""
    kept = getattr(env, KEPT, None)
    if not kept or kept["registries"] == _digest(app):
        return []  # no environment of this layer: every page is read anyway (the code is in the "env" digest)
    before = kept["posts"]
    built = posts.of(app).built()
    found = set(env.found_docs) - set(added) - set(changed)
    return sorted(d for d, meta in built.items() if d in found and before.get(d) != _front_matter_key(meta))


def _keep(app: Sphinx, env) -> None:
    """Note, for the next build, what each built post was last read with."""
    kept = getattr(env, KEPT, None) or {}
    same = kept.get("registries") == _digest(app)
    before = kept.get("posts", {}) if same else {}
    read = incremental.docs_read(app) or set()
    setattr(env, KEPT, {
        "registries": _digest(app),
        "posts": {d: before[d] if d in before and d not in read else _front_matter_key(meta)
                  for d, meta in posts.of(app).built().items()},
    })


def _install(patches: Patches, app: Sphinx) -> None:
    _digest.set(app, app.config.techblog_registries_digest)  # the files' own, before the line below
    app.config.techblog_data_digest = posts.inputs_but_registries(app)
    app.config.techblog_registries_digest = _shown_setting(app)
    patches.connect(app, "env-get-outdated", _read_again)
    patches.connect(app, "env-updated", _keep)
    patches.connect(app, "build-finished", _note_shown)


SPEEDUP = Speedup("registry_edits", {"sphinx": "9.0.4"}, _install)
