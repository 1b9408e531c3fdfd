"""The files of the search index: shards of postings and document files.

No Sphinx here: :mod:`techblog.search.indexer` writes these at the end of a build, and
in a clean serial build :mod:`techblog.speedups.search_worker` writes them in its own
process while Sphinx writes the listings and feeds.
"""

from __future__ import annotations

import hashlib
import os
from array import array
from collections.abc import Callable
from pathlib import Path

from techblog.core.files import overwrite
from techblog.search.text import PREFIX_MIN, encode, prefix_key

TARGET_SHARD_BYTES = 8 * 1024
# The vocabulary a query's Latin words expand from (``vocab/<n>.json``): smaller
# files, one per word of the query, by its first three letters.
TARGET_VOCAB_BYTES = 4 * 1024
MAX_SHARDS = 1 << 14


def shard_of(token: str, shards: int) -> int:
    """FNV-1a over code points, as search.js computes it."""
    h = 0x811C9DC5
    for ch in token:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h % shards


def shard_count(total: int, target: int = TARGET_SHARD_BYTES) -> int:
    """One shard per ~8 KB of postings, a power of two: a query's download stays
    flat as the blog grows, only the number of files does."""
    shards = 1
    while shards < MAX_SHARDS and total / shards > target:
        shards *= 2
    return shards


def in_vocabulary(token: str) -> bool:
    """Whether *token* is a word a shorter query word can expand to (a Latin word of 4 letters or more)."""
    return len(token) > PREFIX_MIN and prefix_key(token) is not None


def vocab_size(token: str, count: int) -> int:
    """What one word adds to the vocabulary size that sets the number of vocabulary files."""
    return len(token) + 8 if count else 0


def vocab_file(words: dict[str, int]) -> bytes:
    """A vocabulary file: {first three letters: [word, document count, ...]}, the most frequent words first.

    The query expands to the first few words of its key that it begins.
    """
    by_key: dict[str, list[tuple[str, int]]] = {}
    for word, count in words.items():
        by_key.setdefault(prefix_key(word), []).append((word, count))
    return encode({key: [x for word, count in sorted(by_key[key], key=lambda wc: (-wc[1], wc[0])) for x in (word, count)]
                   for key in sorted(by_key)})


def postings_size(token: str, count: int) -> int:
    """What one token adds to the index size that sets the number of shards."""
    return len(token) + 4 + 8 * count if count else 0


class IndexFiles:
    """The files of one index: written only when their bytes changed, the rest removed at the end.

    *written* maps each file of the previous index to the digest of its bytes;
    it is updated in place by :meth:`finish`.
    """

    def __init__(self, out: Path, written: dict[str, str] | None):
        self.out = out
        self.written = written
        self.previous = dict(written or {}) if out.is_dir() else {}
        self.current: dict[str, str] = {}
        (out / "shard").mkdir(parents=True, exist_ok=True)
        (out / "doc").mkdir(exist_ok=True)
        (out / "vocab").mkdir(exist_ok=True)

    def put(self, name: str, raw: bytes) -> None:
        self.current[name] = hashlib.sha1(raw).hexdigest()
        if self.previous.get(name) != self.current[name] or not (self.out / name).is_file():
            overwrite(self.out / name, raw)

    def keep(self, name: str) -> bool:
        """Keep a file of the previous index as it is; False when it is not there."""
        if name not in self.previous or not (self.out / name).is_file():
            return False
        self.current[name] = self.previous[name]
        return True

    def finish(self, docs: int, shards: int, vocab: int) -> dict:
        for folder in ("shard", "doc", "vocab"):
            for entry in os.scandir(self.out / folder):
                if f"{folder}/{entry.name}" not in self.current:
                    os.unlink(entry.path)
        # "build" versions the file URLs, so a browser never mixes two builds' shards.
        build = hashlib.sha1("".join(f"{n} {d}\n" for n, d in sorted(self.current.items())).encode())
        manifest = {"version": 1, "docs": docs, "shards": shards, "vocab": vocab, "build": build.hexdigest()[:12]}
        (self.out / "manifest.json").write_bytes(encode(manifest))
        if self.written is not None:
            self.written.clear()
            self.written.update(self.current)
        return manifest


def write_index(out: Path, count: int, average: float, weights: Callable[[int], list[tuple[str, int]]],
                doc_file: Callable[[int], bytes], written: dict[str, str] | None = None,
                layout: dict | None = None) -> dict:
    """Write the index of *count* documents under *out*; return the manifest.

    *weights(i)* gives the (token, weight) pairs of document *i*, weighed for
    *average*, and *doc_file(i)* its document file.  Files whose bytes are the
    same as in the previous index (*written*, see :class:`IndexFiles`) are not
    written again.  *layout*, when given, receives the average length and
    postings size the files were made with (techblog.speedups.search_update updates them
    in place from that).  The vocabulary files list the Latin words of the
    index with their document counts, by their first three letters.
    """
    files = IndexFiles(out, written)
    # Postings as flat arrays of (document id, weight): a tuple per posting took 40 MB at 1,000 posts.
    index: dict[str, array] = {}
    for doc_id in range(count):
        for token, weight in weights(doc_id):
            postings = index.get(token)
            if postings is None:
                postings = index[token] = array("i")
            postings.append(doc_id)
            postings.append(weight)
    total = sum(postings_size(t, len(p) // 2) for t, p in index.items())
    shards = shard_count(total)
    by_shard: list[list[str]] = [[] for _ in range(shards)]
    for token in sorted(index):
        by_shard[shard_of(token, shards)].append(token)
    for n, tokens in enumerate(by_shard):  # one shard's postings as Python lists at a time
        files.put(f"shard/{n}.json", encode({token: index[token].tolist() for token in tokens}))
    vocab = {token: len(postings) // 2 for token, postings in index.items() if in_vocabulary(token)}
    vocab_total = sum(vocab_size(t, n) for t, n in vocab.items())
    vocab_shards = shard_count(vocab_total, TARGET_VOCAB_BYTES)
    vocab_by_shard: list[dict[str, int]] = [{} for _ in range(vocab_shards)]
    for token, n in vocab.items():
        vocab_by_shard[shard_of(prefix_key(token), vocab_shards)][token] = n
    for n, words in enumerate(vocab_by_shard):
        files.put(f"vocab/{n}.json", vocab_file(words))
    for doc_id in range(count):
        files.put(f"doc/{doc_id}.json", doc_file(doc_id))
    if layout is not None:
        layout.update(average=average, total=total, shards=shards, vocab_total=vocab_total, vocab_shards=vocab_shards)
    return files.finish(count, shards, vocab_shards)
