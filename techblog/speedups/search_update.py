"""Updating the search index in place when a few pages changed.

A full :func:`techblog.search.index.write_index` gathers every page's postings and
encodes all shards and document files again (1.5 s at 1,000 posts), although
editing one post changes only the shards of the tokens it had or has and its
own document file.  When the previous index was made with the same average
length and ends up with the same number of shards, only those files are
rewritten: the postings of the changed document ids are taken out of the
shards on disk and the new ones put in, and the vocabulary files of the
Latin words whose document count changed are written again.  A shard lists
the weights of a token's LISTED highest postings only (see
:func:`techblog.search.index.postings_record`): when a listed posting leaves or
weighs less and the token has more postings than that, the one to list
instead is not known from the shard: it is found from the kept weights of the
pages of the token's rest (each such page's weights read once; at 5,000 posts
three edits in four that shorten a post needed this, and wrote the whole index
again before: 8 s).  When a page's weights are not kept, the index is written
in full.  A post added at the end (the newest) or before a few newer ones
changes the postings of the highest ids only: a rest written as a bitmap keeps
its lower bits as they are, never read id by id.  The bytes are those a full
write gives (tests/test_incremental.py compares every file with a clean build).
"""

from __future__ import annotations

import hashlib
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
WeightsOf = Callable[[int, list[str]], dict[str, int] | None]  # a page's weights of those tokens it has (None: not kept)


def weights_of(weights: Weights) -> WeightsOf:
    """The weights of some tokens of a page, from all its weights."""
    def some(doc_id: int, tokens: list[str]) -> dict[str, int] | None:
        pairs = weights(doc_id)
        if pairs is None:
            return None
        wanted = set(tokens)
        return {token: weight for token, weight in pairs if token in wanted}
    return some


def update(out: Path, pages: list[search.Page], keys: list[str], average: float, layout: Layout,
           old_weights: Weights, new_weights: Weights, written: dict[str, str],
           old_weights_of: WeightsOf | None = None) -> dict | None:
    """Update the index of *layout* to *pages* in place; None when a full write is needed.

    *old_weights(i)* and *new_weights(i)* give the (token, weight) pairs of
    document *i* before and now (None: not kept), *old_weights_of(i, tokens)*
    the weights before of those tokens (by default from *old_weights*).
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
    gone = set(changed)
    new_postings: dict[str, dict[int, int]] = {}
    for doc_id, pairs in sorted(added.items()):
        for token, weight in pairs:
            new_postings.setdefault(token, {})[doc_id] = weight
    total, vocab_total = layout.total, layout.vocab_total
    counts: dict[str, int] = {}  # vocabulary words whose document count changed: the new count
    # Only pages added after the old ones: each new posting's id is higher than every id of a record.
    appended = all(i >= len(layout.keys) for i in changed)
    # Every id from one on changed (a post added or removed before the newest ones): each
    # record's postings of those ids are replaced, the ones below stay.
    tail = changed[0] if changed and changed == list(range(changed[0], count)) else None
    merges: list[tuple[int, str, tuple]] = []
    promoting: list[tuple[int, str, list, list]] = []  # a posting of the rest may be listed now
    for n, tokens in by_shard.items():
        for token in tokens:
            old = shards[n].get(token)
            merged = _appended(old, new_postings.get(token, {})) if appended and old else None
            if merged is None and tail is not None and old:
                merged = search_index.with_tail_replaced(old, tail, new_postings.get(token, {}))
            if merged is None:
                listed, rest = search_index.read_record(old) if old else ([], [])
                merged = _merge(listed, rest, gone, new_postings.get(token, {}))
                if merged is None:
                    promoting.append((n, token, listed, rest))
                    continue
                merged = (*merged, len(listed) + len(rest))
            merges.append((n, token, merged))
    if promoting:
        rest_weights = _weights_in_rest(promoting, gone, old_weights_of or weights_of(old_weights))
        if rest_weights is None:
            return None
        for n, token, listed, rest in promoting:  # every weight known now: merged as a record with no rest
            merged = _merge([*listed, *rest_weights[token].items()], [], gone, new_postings.get(token, {}))
            merges.append((n, token, (*merged, len(listed) + len(rest))))
    for n, token, (record, count, old_count) in merges:
        bucket = shards[n]
        total += search_index.postings_size(token, record) - search_index.postings_size(token, bucket.get(token))
        if record:
            bucket[token] = record
        else:
            bucket.pop(token, None)
        if count != old_count and search_index.in_vocabulary(token):
            counts[token] = count
            vocab_total += search_index.vocab_size(token, count) - search_index.vocab_size(token, old_count)
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


def _appended(old: str, new: dict[int, int]) -> tuple[str, int, int] | None:
    """The record with one added page's posting put in its rest without reading the rest's ids (the
    common words of a new post: thousands of ids each); its document count now and before."""
    if len(new) != 1:
        return None
    (doc_id, weight), = new.items()
    found = search_index.with_one_more_in_rest(old, doc_id, weight)
    return None if found is None else (found[0], found[1] + 1, found[1])


def _weights_in_rest(promoting: list[tuple[int, str, list, list]], gone: set[int],
                     old_weights_of: WeightsOf) -> dict[str, dict[int, int]] | None:
    """Each token's weights in the unchanged pages of its rest, from those pages' kept weights.

    Every page is read once, however many tokens need it; None when a page's weights
    are not kept, or lack a token whose rest has the page.
    """
    tokens_of: dict[int, list[str]] = {}
    for _, token, _, rest in promoting:
        for doc_id in rest:
            if doc_id not in gone:
                tokens_of.setdefault(doc_id, []).append(token)
    found: dict[str, dict[int, int]] = {token: {} for _, token, _, _ in promoting}
    for doc_id, tokens in tokens_of.items():
        weights = old_weights_of(doc_id, tokens)
        if weights is None:
            return None
        for token in tokens:
            if token not in weights:
                return None
            found[token][doc_id] = weights[token]
    return found


def _merge(listed: list[tuple[int, int]], rest: list[int], gone: set[int],
           new: dict[int, int]) -> tuple[str | None, int] | None:
    """The record of a token's postings (*listed* and *rest*, as read from its old record) without
    the ids in *gone*, plus *new* (id -> weight); and its document count.

    None when that cannot be known from the record: a listed posting left or
    weighs less, and one of the rest, whose weight the record does not hold,
    might be listed in its place.
    """
    known = {doc_id: weight for doc_id, weight in listed if doc_id not in gone}
    known.update(new)
    rest = [doc_id for doc_id in rest if doc_id not in gone]
    if not rest:
        ids = sorted(known)
        return (search_index.postings_record(ids, [known[i] for i in ids]) if ids else None), len(ids)
    # Every posting of the rest ranks below the lowest listed one (by weight, then id).
    lowest = min((weight, doc_id) for doc_id, weight in listed)
    ranked = sorted(((weight, doc_id) for doc_id, weight in known.items()), reverse=True)
    if len(ranked) < search_index.LISTED or ranked[search_index.LISTED - 1] < lowest:
        return None
    ids = sorted(doc_id for _, doc_id in ranked[:search_index.LISTED])
    rest = sorted(rest + [doc_id for _, doc_id in ranked[search_index.LISTED:]])
    return search_index.record_of(ids, [known[i] for i in ids], rest), len(ids) + len(rest)


def _read_json(out: Path, name: str, written: dict[str, str]) -> dict | None:
    """A shard or vocabulary file of the previous index, when the file on disk is the one it wrote."""
    try:
        raw = (out / name).read_bytes()
    except OSError:
        return None
    if hashlib.sha1(raw).hexdigest() != written.get(name):
        return None
    return orjson.loads(raw)
