"""An edit of the registries reads again only the posts it changes; adding entries or renaming tags writes no other page.

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
  new entries are added or edited, which the incremental build handles
  (:mod:`techblog.compat.incremental`).  So that setting keeps the last
  build's value then;
- so it does when, besides additions, only tags' labels and aliases changed:
  a tag's label shows on the pages of its posts, the listings of those posts
  (their listing keys hold the tags), its own listing, the tag index, the
  feeds and the search index, never on a card (cards show authors and
  categories).  The posts with such a tag are read again, as if edited, and
  the incremental build writes every page showing them.  Reading a post
  again costs about as much as writing one page, and the pages showing a
  tag's posts grow faster than its posts (each post page shows about seven
  others), so when more than a fifth of the posts (and more than a hundred)
  would be read again, every page is written instead (at 5,000 posts, a tag
  on 618 posts: 48.6 s read and written this way, against 95.2 s writing
  every page);
- and when the descriptions of tags or categories changed: a description
  shows only on its own listing's pages and the index of its kind (an
  author's bio is on each of the author's posts, a series' description on
  its page), which are written again because their keys hold it
  (:mod:`techblog.speedups.collection_pages`).  No post is read again.

With the layer off, every page is read again as before, to the same files
(``tests/test_incremental.py``).
"""

from __future__ import annotations

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


def _entry_key(entry: registries.Entry) -> list[str]:
    """What pages can show of an entry (not where it is in its file): its names, its description, the rest."""
    rest = sorted((k, v) for k, v in entry.extra.items() if k not in ("aliases", "description", "bio"))
    return [incremental._digest(entry.label, entry.extra.get("aliases")),
            incremental._digest(entry.description),
            incremental._digest(entry.id, entry.slug, rest)]


# Kinds whose description shows only on their own listing and the index of their kind
# (an author's bio is on each of the author's posts; a series' description on its page).
DESCRIBED_ON_THEIR_LISTINGS = ("tags", "categories")


_entry_keys: PerBuild[dict[str, dict[str, list[str]]]] = PerBuild()  # the registries of this build, by kind and id


def _keys_of(regs: registries.Registries) -> dict[str, dict[str, list[str]]]:
    return {kind: {e.id: _entry_key(e) for e in getattr(regs, kind)} for kind in registries.KINDS}


def _renamed_tags(before: dict, now: dict) -> set[str] | None:
    """The tags whose label or aliases changed when nothing else did but additions and descriptions of
    tags and categories; None when something else did."""
    renamed = set()
    for kind, keys in before.items():
        for entry_id, key in keys.items():
            new = now.get(kind, {}).get(entry_id)
            if new == key:
                continue
            if new is None or new[2] != key[2] or (new[1] != key[1] and kind not in DESCRIBED_ON_THEIR_LISTINGS):
                return None
            if new[0] != key[0]:
                if kind != "tags":
                    return None
                renamed.add(entry_id)
    return renamed


_renamed: PerBuild[set[str]] = PerBuild(set)  # tags whose posts are read again


def reading_is_cheaper(posts_to_read: int, posts_built: int) -> bool:
    """Whether reading again the posts of renamed tags costs less than writing every page (see above)."""
    return posts_to_read <= 100 or posts_to_read * 5 <= posts_built


def _cheaper_to_read(app: Sphinx, renamed: set[str]) -> bool:
    built = posts.of(app).built().values()
    return reading_is_cheaper(sum(1 for meta in built if renamed.intersection(meta.tags)), len(built))


def _shown_setting(app: Sphinx) -> str:
    """The registries' html setting: the last build's while entries were only added and tags renamed since."""
    try:
        last = json.loads(Path(app.doctreedir, SHOWN).read_text(encoding="utf-8"))
        renamed = _renamed_tags(last["entries"], _entry_keys(app))
        if renamed is not None and (not renamed or _cheaper_to_read(app, renamed)):
            _renamed.set(app, renamed)
            return last["setting"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        pass
    return app.config.techblog_registries_digest


def _note_shown(app: Sphinx, exception) -> None:
    if exception is None and app.builder.format == "html":
        shown = {"setting": app.config.techblog_registries_digest, "entries": _entry_keys(app)}
        Path(app.doctreedir, SHOWN).write_text(json.dumps(shown, ensure_ascii=False), encoding="utf-8")


def _front_matter_key(meta) -> str:
    return incremental._digest(meta)


_digest: PerBuild[str] = PerBuild()  # the registries' files, this build


def _read_again(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Posts whose checked front matter is not the one they were last read with, and the posts of renamed tags."""
    kept = getattr(env, KEPT, None)
    if not kept:
        return []  # no environment of this layer: every page is read anyway (the code is in the "env" digest)
    # Renamed since the last build that finished (SHOWN), not since the environment was saved:
    # a build stopped while writing leaves the second newer than the first.
    edited, renamed = kept["registries"] != _digest(app), _renamed(app)
    if not edited and not renamed:
        return []
    before, built = kept["posts"], posts.of(app).built()
    found = set(env.found_docs) - set(added) - set(changed)
    return sorted(d for d, meta in built.items() if d in found and (
        (edited and before.get(d) != _front_matter_key(meta)) or renamed.intersection(meta.tags)))


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
    _entry_keys.set(app, _keys_of(registries.of(app)))
    app.config.techblog_data_digest = posts.inputs_but_registries(app)
    app.config.techblog_registries_digest = _shown_setting(app)
    patches.connect(app, "env-get-outdated", _read_again)
    patches.connect(app, "env-updated", _keep)
    patches.connect(app, "build-finished", _note_shown)


SPEEDUP = Speedup("registry_edits", {"sphinx": "9.0.4"}, _install)
