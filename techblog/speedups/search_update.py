"""Updating the search index in place when a few pages changed.

A full :func:`techblog.search.index.write_index` gathers every page's postings and
encodes all shards and document files again (1.5 s at 1,000 posts), although
editing one post changes only the shards of the tokens it had or has and its
own document file.  When the previous index was made with the same average
length and ends up with the same number of shards, only those files are
rewritten: the postings of the changed document ids are taken out of the
shards on disk and the new ones put in, and the vocabulary files of the
Latin words whose document count changed are written again.  The bytes are
those a full write gives (tests/test_incremental.py compares every file with
a clean build).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from techblog.search import index as search_index
from techblog.search import indexer as search
from techblog.search import text as search_text

# More changed pages than this share of the index: a full write is as quick.
MAX_CHANGED_SHARE = 0.05


@dataclass
class Layout:
    """What the files of an index were made from."""

    keys: list[str] = field(default_factory=list)  # a key of each page, by document id
    average: float = 0.0
    total: int = 0
    shards: int = 0
    vocab_total: int = 0
    vocab_shards: int = 0


Weights = Callable[[int], list[tuple[str, int]]]


def update(out: Path, pages: list[search.Page], keys: list[str], average: float, layout: Layout,
           old_weights: Weights, new_weights: Weights, written: dict[str, str]) -> dict | None:
    """Update the index of *layout* to *pages* in place; None when a full write is needed.

    *old_weights(i)* and *new_weights(i)* give the (token, weight) pairs of
    document *i* before and now.
    """
    if average != layout.average or not layout.shards or not layout.vocab_shards or not written:
        return None
    count = max(len(keys), len(layout.keys))
    changed = [i for i in range(count) if i >= len(keys) or i >= len(layout.keys) or keys[i] != layout.keys[i]]
    if len(changed) > max(1, MAX_CHANGED_SHARE * len(keys)):
        return None
    removed = {i: old_weights(i) for i in changed if i < len(layout.keys)}
    if any(w is None for w in removed.values()):
        return None
    added = {i: new_weights(i) for i in changed if i < len(keys)}
    # Tokens whose postings differ: a changed page's tokens that it gained, lost or weighs differently.
    touched: set[str] = set()
    for doc_id in changed:
        before, after = dict(removed.get(doc_id, ())), dict(added.get(doc_id, ()))
        touched.update(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
    by_shard: dict[int, set[str]] = {}
    for token in touched:
        by_shard.setdefault(search_index.shard_of(token, layout.shards), set()).add(token)
    shards = {n: _read_json(out, f"shard/{n}.json", written) for n in by_shard}
    if any(bucket is None for bucket in shards.values()):
        return None
    gone = sorted(changed)
    new_postings: dict[str, list[tuple[int, int]]] = {}
    for doc_id, pairs in sorted(added.items()):
        for token, weight in pairs:
            new_postings.setdefault(token, []).append((doc_id, weight))
    total, vocab_total = layout.total, layout.vocab_total
    counts: dict[str, int] = {}  # vocabulary words whose document count changed: the new count
    for n, tokens in by_shard.items():
        bucket = shards[n]
        for token in tokens:
            old = bucket.get(token, [])
            merged = _merge(old, gone, dict(new_postings.get(token, ())))
            total += search_index.postings_size(token, len(merged) // 2) - search_index.postings_size(token, len(old) // 2)
            if merged:
                bucket[token] = merged
            else:
                bucket.pop(token, None)
            if len(merged) != len(old) and search_index.in_vocabulary(token):
                counts[token] = len(merged) // 2
                vocab_total += search_index.vocab_size(token, len(merged) // 2) - search_index.vocab_size(token, len(old) // 2)
    if (search_index.shard_count(total) != layout.shards
            or search_index.shard_count(vocab_total, search_index.TARGET_VOCAB_BYTES) != layout.vocab_shards):
        return None
    vocab_by_shard: dict[int, dict[str, int]] = {}
    for token, count in counts.items():
        vocab_by_shard.setdefault(search_index.shard_of(search_text.prefix_key(token), layout.vocab_shards), {})[token] = count
    vocabs = {n: _read_json(out, f"vocab/{n}.json", written) for n in vocab_by_shard}
    if any(words is None for words in vocabs.values()):
        return None
    files = search_index.IndexFiles(out, written)
    if not all(files.keep(f"shard/{n}.json") for n in range(layout.shards) if n not in shards):
        return None
    if not all(files.keep(f"vocab/{n}.json") for n in range(layout.vocab_shards) if n not in vocabs):
        return None
    for n, bucket in shards.items():
        files.put(f"shard/{n}.json", search_text.encode(dict(sorted(bucket.items()))))
    for n, by_key in vocabs.items():
        words = {flat[i]: flat[i + 1] for flat in by_key.values() for i in range(0, len(flat), 2)}
        words.update(vocab_by_shard[n])
        files.put(f"vocab/{n}.json", search_index.vocab_file({w: c for w, c in words.items() if c}))
    for doc_id, page in enumerate(pages):
        name = f"doc/{doc_id}.json"
        if doc_id in added or not files.keep(name):
            files.put(name, search.doc_file(page))
    layout.keys, layout.total, layout.vocab_total = list(keys), total, vocab_total
    return files.finish(len(pages), layout.shards, layout.vocab_shards)


def _merge(flat: list[int], gone: list[int], new: dict[int, int]) -> list[int]:
    """A shard's flat [id, weight, id, weight, ...] list without the ids in *gone* (sorted), plus *new*."""
    ids = flat[0::2]
    merged: list[int] = []
    start = 0
    for doc_id in gone:
        k = bisect_left(ids, doc_id, start)
        merged += flat[2 * start:2 * k]
        if k < len(ids) and ids[k] == doc_id:
            k += 1
        if doc_id in new:
            merged += (doc_id, new[doc_id])
        start = k
    merged += flat[2 * start:]
    return merged


def _read_json(out: Path, name: str, written: dict[str, str]) -> dict | None:
    """A shard or vocabulary file of the previous index, when the file on disk is the one it wrote."""
    try:
        raw = (out / name).read_bytes()
    except OSError:
        return None
    if hashlib.sha1(raw).hexdigest() != written.get(name):
        return None
    return orjson.loads(raw)
