"""The files of the search index: shards of postings and document files.

No Sphinx here: :mod:`techblog.search.indexer` writes these at the end of a build, and
in a clean serial build :mod:`techblog.speedups.search_worker` writes them in its own
process while Sphinx writes the listings and feeds.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import operator
import os
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from techblog.core.files import overwrite
from techblog.search.text import PREFIX_MIN, encode, prefix_key

# A shard holds the records of the tokens hashing to it: one file for each token of
# a query, so a smaller target is fewer bytes a query (a token in every document
# of 10,000 takes 2.7 KB).
TARGET_SHARD_BYTES = 4 * 1024
# The vocabulary a query's Latin words expand from (``vocab/<n>.json``): smaller
# files, one per word of the query, by its first three letters.
TARGET_VOCAB_BYTES = 4 * 1024
MAX_SHARDS = 1 << 14
# A token's postings (see :func:`postings_record`): the LISTED with the highest
# weights are listed with their weights, the rest only as document ids, which
# count REST_WEIGHT at most (the weight of one mention in a text of average length).
LISTED = 256
REST_WEIGHT = 100
DELTAS, BITMAP = 0, 1  # how the rest's ids are written


def shard_of(token: str, shards: int) -> int:
    """FNV-1a over code points, as search.js computes it."""
    h = 0x811C9DC5
    for ch in token:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h % shards


def shard_count(total: int, target: int = TARGET_SHARD_BYTES) -> int:
    """One shard per *target* bytes of postings, a power of two: a query's download stays
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


def postings_size(token: str, record: str | None) -> int:
    """What one token adds to the index size that sets the number of shards: its bytes in the shard."""
    return len(token.encode()) + len(record) + 6 if record else 0


def _varints(numbers) -> bytes:
    """Unsigned LEB128: seven bits a byte, the lowest first, the high bit set on all but the last."""
    numbers = list(numbers)
    if all(n < 0x80 for n in numbers):
        return bytes(numbers)
    out = bytearray()
    for n in numbers:
        while n >= 0x80:
            out.append(0x80 | (n & 0x7F))
            n >>= 7
        out.append(n)
    return bytes(out)


def _gaps(ids) -> list[int]:
    """Ascending ids as the number of ids skipped before each (a run of ids is a run of zeros)."""
    return [b - a - 1 for a, b in itertools.pairwise(itertools.chain((-1,), ids))]


def _bitmap(ids: list[int]) -> bytes:
    """Bit ``i % 8`` of byte ``i // 8`` set for each id i; as long as the highest id needs.

    Made as a number written in binary digits, the highest id first: eight
    times quicker than setting each bit of a bytearray in Python.
    """
    digits = bytearray(b"0") * (ids[-1] // 8 * 8 + 8)
    for doc_id in ids:
        digits[doc_id] = 0x31  # "1"
    return int(digits[::-1], 2).to_bytes(len(digits) // 8, "little")


def record_of(ids: Sequence[int], weights: Sequence[int], rest: list[int]) -> str:
    """The record of listed postings (*ids* ascending, their *weights*) and the rest's ids, ascending."""
    raw = bytearray(_varints([len(ids)]))
    raw += _varints(_gaps(ids))
    raw += _varints(weights)
    if rest:
        # Which is smaller depends on the token's own postings only: a document
        # added without the token leaves its record as it is.  The gaps take a
        # byte an id at least.
        bitmap = rest[-1] // 8 + 1
        deltas = _varints(_gaps(rest)) if bitmap >= len(rest) else b""
        if deltas and len(deltas) <= bitmap:
            raw.append(DELTAS)
            raw += deltas
        else:
            raw.append(BITMAP)
            raw += _bitmap(rest)
    return base64.b64encode(raw).decode("ascii")


def top(ids: Sequence[int], weights: Sequence[int]) -> tuple[list[int], list[int], list[int]]:
    """(ids and weights of the LISTED postings of the highest weights, in id order; the other ids).

    *ids* ascending.  On equal weights the higher id, the newer post, is
    listed: the search page also shows it first.
    """
    if len(ids) <= LISTED:
        return list(ids), list(weights), []
    # The LISTED-th highest weight: weights are a few hundred distinct numbers at most.
    counts = Counter(weights)
    seen = 0
    for threshold in sorted(counts, reverse=True):
        seen += counts[threshold]
        if seen >= LISTED:
            break
    listed = [w >= threshold for w in weights]
    # Of the postings of that weight, only the newest as many as fit.
    for k in itertools.islice((k for k in range(len(weights)) if weights[k] == threshold), seen - LISTED):
        listed[k] = False
    return (list(itertools.compress(ids, listed)), list(itertools.compress(weights, listed)),
            list(itertools.compress(ids, map(operator.not_, listed))))


def postings_record(ids: Sequence[int], weights: Sequence[int]) -> str:
    """A token's postings, document *ids* (ascending) and their *weights* (x 100), as the shard holds them:
    a base64 string of

    - the number n of listed postings, then their ids and then their weights (the
      ids as the count of ids skipped since the previous one), as LEB128 varints;
    - when the token is in more than LISTED documents, the ids of the others:
      a byte 0 and their ids as varints like the listed ones, or a byte 1 and a
      bitmap (bit ``i % 8`` of byte ``i // 8`` for id i), whichever is smaller.

    The search page counts a document of the rest at :func:`rest_weight`.
    Every document with the token is there, so a query's matches are exact,
    and its bytes grow with the blog by one bit a document at most.
    """
    return record_of(*top(ids, weights))


def _read_varint(raw: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = raw[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def _read_varints(raw: bytes, pos: int, count: int) -> tuple[list[int], int]:
    """*count* varints from *pos*, and the position after them: :func:`_read_varint` without a call each."""
    values: list[int] = []
    append = values.append
    for _ in range(count):
        byte = raw[pos]
        pos += 1
        if byte < 0x80:
            append(byte)
            continue
        value, shift = byte & 0x7F, 7
        while True:
            byte = raw[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                break
            shift += 7
        append(value)
    return values, pos


def _read_listed(raw: bytes) -> tuple[list[int], list[int], int]:
    """The listed ids and weights of a record's bytes, and the position of its rest."""
    count, pos = _read_varint(raw, 0)
    gaps, pos = _read_varints(raw, pos, count)
    weights, pos = _read_varints(raw, pos, count)
    return [doc_id - 1 for doc_id in itertools.accumulate(gap + 1 for gap in gaps)], weights, pos


def _read_ids(raw: bytes, pos: int) -> list[int]:
    """The ids written as gaps from *pos* to the end."""
    ids, previous = [], -1
    while pos < len(raw):
        gap, pos = _read_varint(raw, pos)
        previous += gap + 1
        ids.append(previous)
    return ids


_BITS = [tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)]


def read_record(record: str) -> tuple[list[tuple[int, int]], list[int]]:
    """The listed (id, weight) pairs and the rest's ids of a :func:`postings_record`."""
    raw = base64.b64decode(record)
    ids, weights, pos = _read_listed(raw)
    rest: list[int] = []
    if pos < len(raw):
        kind, pos = raw[pos], pos + 1
        if kind == BITMAP:
            rest = [8 * k + bit for k, byte in enumerate(raw[pos:]) if byte for bit in _BITS[byte]]
        else:
            rest = _read_ids(raw, pos)
    return list(zip(ids, weights, strict=True)), rest


def with_one_more_in_rest(record: str, doc_id: int, weight: int) -> tuple[str, int] | None:
    """*record* with the posting (*doc_id*, *weight*) added, and the number of documents it had, when
    the new posting joins a rest written as a bitmap: the record as :func:`postings_record` makes it
    for its postings and this one, without reading the rest's ids.

    That is when *doc_id* is higher than every id in the record (a document added at the end),
    every listed place is taken by a weightier posting, and the bitmap stays smaller than the ids
    would be as gaps.  None otherwise: the record is read and merged.
    """
    raw = bytearray(base64.b64decode(record))
    count, pos = _read_varint(raw, 0)
    if count != LISTED:
        return None
    gaps, pos = _read_varints(raw, pos, count)
    last = sum(gaps) + count - 1
    weights, pos = _read_varints(raw, pos, count)
    lowest = min(weights)
    if pos >= len(raw) or raw[pos] != BITMAP or weight >= lowest or doc_id <= last:
        return None
    bits = int.from_bytes(raw[pos + 1:], "little")
    rest = bits.bit_count()
    size = doc_id // 8 + 1
    if doc_id < bits.bit_length() or size >= rest + 1:  # not the highest id, or gaps might be smaller
        return None
    raw[pos + 1:] = (bits | 1 << doc_id).to_bytes(size, "little")
    return base64.b64encode(raw).decode("ascii"), count + rest


def with_tail_replaced(record: str, first: int, new: dict[int, int]) -> tuple[str, int, int] | None:
    """*record* with its postings of ids *first* and above replaced by *new* (id -> weight, each id
    *first* or above), and its number of documents now and before, when its rest is a bitmap that
    stays the smaller: the record as :func:`postings_record` makes it for those postings, with the
    rest's ids kept as bits, never read one by one.

    That is the case of every word of the pages whose ids moved up by one when a post
    dated before the newest one was added (thousands of ids for a common word).
    None otherwise: the record is read and merged.
    """
    raw = base64.b64decode(record)
    if _read_varint(raw, 0)[0] != LISTED:  # no rest
        return None
    ids, weights, pos = _read_listed(raw)
    count = len(ids)
    if pos >= len(raw) or raw[pos] != BITMAP:
        return None
    bits = int.from_bytes(raw[pos + 1:], "little")
    kept = bits & ((1 << first) - 1)
    if not kept:
        return None
    # As techblog.speedups.search_update merges: the rest ranks below the lowest listed posting,
    # so the new top LISTED are known only when LISTED known postings rank at least that high.
    lowest = min(zip(weights, ids, strict=True))
    known = {doc_id: weight for doc_id, weight in zip(ids, weights, strict=True) if doc_id < first}
    known.update(new)
    ranked = sorted(((weight, doc_id) for doc_id, weight in known.items()), reverse=True)
    if len(ranked) < LISTED or ranked[LISTED - 1] < lowest:
        return None
    for _, doc_id in ranked[LISTED:]:
        kept |= 1 << doc_id
    size = (kept.bit_length() - 1) // 8 + 1
    if size >= kept.bit_count():  # the gaps might be smaller: record_of decides
        return None
    listed = sorted(doc_id for _, doc_id in ranked[:LISTED])
    out = bytearray(_varints([LISTED]))
    out += _varints(_gaps(listed))
    out += _varints([known[doc_id] for doc_id in listed])
    out.append(BITMAP)
    out += kept.to_bytes(size, "little")
    return base64.b64encode(out).decode("ascii"), LISTED + kept.bit_count(), count + bits.bit_count()


def rest_weight(listed: list[tuple[int, int]]) -> int:
    """What a document of a token's rest counts: REST_WEIGHT, or less when every listed posting weighs less.

    A document of the rest weighs no more than the lowest listed one.
    """
    return min([REST_WEIGHT, *(weight for _, weight in listed)])


FOLDERS = ("shard", "doc", "vocab")


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
        self._found: set[str] | None = None
        for folder in FOLDERS:
            (out / folder).mkdir(parents=True, exist_ok=True)

    def put(self, name: str, raw: bytes) -> None:
        self.current[name] = hashlib.sha1(raw).hexdigest()
        if self.previous.get(name) != self.current[name] or not (self.out / name).is_file():
            overwrite(self.out / name, raw)

    def keep(self, name: str) -> bool:
        """Keep a file of the previous index as it is; False when it is not there."""
        if name not in self.previous or name not in self._on_disk():
            return False
        self.current[name] = self.previous[name]
        return True

    def _on_disk(self) -> set[str]:
        """The index's files as they were before this update, each folder listed once (not a stat a file)."""
        if self._found is None:
            self._found = {f"{folder}/{entry.name}" for folder in FOLDERS
                           for entry in os.scandir(self.out / folder) if entry.is_file()}
        return self._found

    def finish(self, docs: int, shards: int, vocab: int) -> dict:
        for folder in FOLDERS:
            for entry in os.scandir(self.out / folder):
                if f"{folder}/{entry.name}" not in self.current:
                    os.unlink(entry.path)
        # "build" versions the file URLs, so a browser never mixes two builds' shards.
        build = hashlib.sha1("".join(f"{n} {d}\n" for n, d in sorted(self.current.items())).encode())
        manifest = {"version": 2, "docs": docs, "shards": shards, "vocab": vocab, "build": build.hexdigest()[:12]}
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
    records = {token: postings_record(p[0::2], p[1::2]) for token, p in index.items()}
    total = sum(postings_size(t, r) for t, r in records.items())
    shards = shard_count(total)
    by_shard: list[list[str]] = [[] for _ in range(shards)]
    for token in sorted(records):
        by_shard[shard_of(token, shards)].append(token)
    for n, tokens in enumerate(by_shard):
        files.put(f"shard/{n}.json", encode({token: records[token] for token in tokens}))
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
