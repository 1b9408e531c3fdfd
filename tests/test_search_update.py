"""Updating the search index in place gives the files a full write gives."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from techblog.search import index as search_index
from techblog.search import indexer as search
from techblog.search import text as search_text
from techblog.speedups import search_update

WORDS = ["障害対応", "データベース", "監視", "接続", "設計", "移行", "PostgreSQL", "nginx", "証明書", "期限切れ",
         "ノード", "アップグレード", "コネクションプール", "勉強会", "ログ", "アラート", "バックアップ", "Terraform"]


def page(rng: random.Random, n: int, words: int = 60) -> search.Page:
    return search.Page(f"posts/p{n}.html", f"記事{n} {rng.choice(WORDS)}", f"2026年1月{n % 28 + 1}日",
                       [rng.choice(WORDS)], "。".join(rng.choice(WORDS) for _ in range(words)))


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def full(out: Path, pages: list[search.Page]) -> tuple[dict, dict, search_update.Layout]:
    written: dict[str, str] = {}
    layout: dict = {}
    manifest = search.write_index(out, pages, written, layout)
    return manifest, written, search_update.Layout(keys=[repr(p) for p in pages], **layout)


def in_place(out: Path, before: list[search.Page], after: list[search.Page]) -> dict | None:
    _, written, layout = full(out, before)
    average = search.average_length([search.body_length(p) for p in after])
    # The weights kept from the last build are packed, as techblog.speedups.search_cache keeps them.
    kept = [search_text.pack(search.doc_weights(p, average)) for p in before]
    return search_update.update(out, after, [repr(p) for p in after], average, layout,
                                lambda i: search_text.unpack(kept[i]),
                                lambda i: search.doc_weights(after[i], average), written,
                                lambda i, tokens: search_text.unpacked_some(kept[i], tokens))


def test_some_numbers_are_found_in_a_packed_page_as_unpacking_finds_them():
    pairs = [("監視", 310), ("監", 5), ("視", 7), ("postgresql", 1620), ("sql", 40), ("視監", 2)]
    packed = search_text.pack(pairs)
    for tokens in (["監視"], ["監"], ["視"], ["sql"], ["視監", "postgresql"], ["監視ログ", "ログ", "s"], []):
        assert search_text.unpacked_some(packed, tokens) == {t: w for t, w in pairs if t in tokens}
    assert search_text.unpacked_some(search_text.pack([]), ["監視"]) == {}


@pytest.mark.parametrize("change", ["edit", "add", "remove-last", "edit-and-add", "new-words", "words-gone"])
def test_update_in_place_equals_a_full_write(tmp_path, change):
    rng = random.Random(change)
    before = [page(rng, n) for n in range(60)]
    after = list(before)
    if "edit" in change:
        after[17] = search.Page(before[17].url, before[17].title, before[17].date, before[17].tags,
                                before[17].text + "。新しい段落でアラートの設計を追記")
    if "words" in change:  # English words no other page has, and one more page with PostgreSQL (the vocabulary)
        after[17] = search.Page(before[17].url, before[17].title, before[17].date, before[17].tags,
                                before[17].text + "。Kubernetes と kubectl と PostgreSQL のサーバーへ書き込み")
        if change == "words-gone":
            before, after = after, before
    if "add" in change:
        after.append(page(rng, 60))
    if change == "remove-last":
        after.pop()
    manifest = in_place(tmp_path / "updated", before, after)
    assert manifest is not None, "a change this small is updated in place"
    expected, _, _ = full(tmp_path / "clean", after)
    assert manifest == expected
    assert files(tmp_path / "updated") == files(tmp_path / "clean")


@pytest.mark.parametrize("change", ["add", "add-weightier", "add-before-the-newest", "edit-up", "edit-down",
                                    "remove-last", "new-words", "listed-word-gone"])
def test_update_with_unlisted_postings_equals_a_full_write(tmp_path, monkeypatch, change):
    """With more documents than LISTED, a shard holds the weights of the highest postings only: a listed
    posting that leaves or weighs less is replaced from the kept weights of the unchanged pages."""
    monkeypatch.setattr(search_index, "LISTED", 4)
    rng = random.Random(change)
    before = [page(rng, n) for n in range(60)]
    after = list(before)
    if change.startswith("add"):
        extra = page(rng, 60)
        if change == "add-weightier":  # listed on top of every token of its title
            extra = search.Page(extra.url, "障害対応 データベース 監視", extra.date, ["障害対応"], extra.text)
        after.insert(58 if change == "add-before-the-newest" else 60, extra)
    if change.startswith("edit"):
        text = before[17].text + "。監視と設計" * 5 if change == "edit-up" else before[17].text[: len(before[17].text) // 3]
        after[17] = search.Page(before[17].url, before[17].title, before[17].date, before[17].tags, text)
    if change == "new-words":
        after[17] = search.Page(before[17].url, before[17].title, before[17].date, before[17].tags,
                                before[17].text + "。Kubernetes と kubectl")
    if change == "remove-last":
        after.pop()
    if change == "listed-word-gone":  # page 17 listed for 監視 (in its title) and the word taken out of it
        text = before[17].text.replace("監視", "設計")
        before[17] = search.Page(before[17].url, "監視 監視 監視", before[17].date, before[17].tags, text)
        after[17] = search.Page(before[17].url, "設計 設計 設計", before[17].date, before[17].tags, text)
    replaced = []
    with_tail_replaced = search_index.with_tail_replaced
    monkeypatch.setattr(search_index, "with_tail_replaced",
                        lambda *args: replaced.append(with_tail_replaced(*args)) or replaced[-1])
    manifest = in_place(tmp_path / "updated", before, after)
    if change == "add-before-the-newest":
        assert any(replaced), "no record had its moved ids replaced in place: the case is not the one meant"
    expected, _, _ = full(tmp_path / "clean", after)
    assert manifest is not None, "the unchanged pages' weights are known: updated in place"
    assert manifest == expected
    assert files(tmp_path / "updated") == files(tmp_path / "clean")


def _record(out: Path, token: str) -> str:
    shards = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["shards"]
    shard = json.loads((out / "shard" / f"{search_index.shard_of(token, shards)}.json").read_text(encoding="utf-8"))
    return shard[token]


def test_an_unlisted_weight_not_kept_makes_a_full_write(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "LISTED", 4)
    rng = random.Random("edit-down")
    before = [page(rng, n) for n in range(60)]
    # Page 17 listed first for 監視 (in its title), a word of many pages; the edit takes the word out of it.
    text = before[17].text.replace("監視", "設計")
    before[17] = search.Page(before[17].url, "監視 監視 監視", before[17].date, before[17].tags, text + "。監視" * 20)
    after = list(before)
    after[17] = search.Page(before[17].url, "設計 設計 設計", before[17].date, before[17].tags, text + "。設計" * 20)
    full(tmp_path / "before", before)
    listed, rest = search_index.read_record(_record(tmp_path / "before", "監視"))
    assert 17 in [doc_id for doc_id, _ in listed] and rest, "page 17 is not listed for 監視: the case is not the one meant"
    out = tmp_path / "out"
    _, written, layout = full(out, before)
    average = search.average_length([search.body_length(p) for p in after])
    asked: list[int] = []

    def kept_for_the_changed_page_only(i):
        asked.append(i)
        return search.doc_weights(before[i], average) if i == 17 else None

    assert search_update.update(out, after, [repr(p) for p in after], average, layout, kept_for_the_changed_page_only,
                                lambda i: search.doc_weights(after[i], average), written) is None
    assert set(asked) - {17}, "no unchanged page's weights were asked for: the case is not the one meant"


def test_postings_records_list_the_weightiest_and_keep_every_id(monkeypatch):
    rng = random.Random(5)
    for count in (1, 3, 4, 5, 40, 400):
        for spread in (count + 1, 8 * count, 5000):
            ids = sorted(rng.sample(range(spread), count))
            pairs = [(i, rng.choice([100, 100, rng.randint(1, 1620)])) for i in ids]
            monkeypatch.setattr(search_index, "LISTED", 4)
            listed, rest = search_index.read_record(search_index.postings_record(*zip(*pairs, strict=True)))
            assert sorted([i for i, _ in listed] + rest) == ids
            assert set(listed) <= set(pairs) and len(listed) == min(4, count)
            weights = dict(pairs)
            assert all((weights[i], i) < min((w, d) for d, w in listed) for i in rest)
            assert search_index.rest_weight(listed) <= min(w for _, w in listed)


def test_rest_ids_take_the_smaller_of_a_bitmap_and_gaps(monkeypatch):
    monkeypatch.setattr(search_index, "LISTED", 1)
    dense = search_index.postings_record(range(3000), [100] * 3000)
    sparse = search_index.postings_record(range(0, 3000, 100), [100] * 30)
    assert len(dense) < 3000 // 8 * 4 // 3 + 16  # one bit an id
    assert len(sparse) < 60  # one byte an id
    assert search_index.read_record(dense)[1] == list(range(2999))
    assert search_index.read_record(sparse)[1] == list(range(0, 2900, 100))


def test_many_changes_are_written_in_full(tmp_path):
    rng = random.Random(1)
    before = [page(rng, n) for n in range(60)]
    after = [page(rng, n) for n in range(60)]
    assert in_place(tmp_path / "out", before, after) is None


def test_a_shard_changed_on_disk_is_not_trusted(tmp_path):
    rng = random.Random(2)
    before = [page(rng, n) for n in range(60)]
    after = [*before, page(rng, 60)]
    out = tmp_path / "out"
    _, written, layout = full(out, before)
    for shard in (out / "shard").iterdir():
        shard.write_text("{}", encoding="utf-8")
    average = search.average_length([search.body_length(p) for p in after])
    assert search_update.update(out, after, [repr(p) for p in after], average, layout,
                                lambda i: search.doc_weights(before[i], average),
                                lambda i: search.doc_weights(after[i], average), written) is None


@pytest.mark.parametrize("data", [
    {"接続": [3, 93, 5, 138], "5xx": [1, 2], "a\"b\\c": [0, 1]},
    {"u": "posts/p.html", "t": "タイトル\t改行\n\r\b\f", "d": "2026年1月1日", "x": "\x00\x1f\x7f\u2028\u2029 😀 </script>"},
    {"version": 1, "docs": 1014, "shards": 1024, "build": "e8f3ca876e27"},
])
def test_encode_gives_the_bytes_of_json_dumps(data):
    assert search_text.encode(data) == json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def test_overwrite_leaves_exactly_the_new_bytes(tmp_path):
    target = tmp_path / "shard.json"
    search_index.overwrite(target, b"x" * 5000)
    created = target.stat().st_mode & 0o777
    search_index.overwrite(target, "短い".encode())
    assert target.read_bytes() == "短い".encode()
    search_index.overwrite(target, b"y" * 70000)
    assert target.read_bytes() == b"y" * 70000
    plain = tmp_path / "plain.json"
    plain.write_bytes(b"")
    assert created == plain.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_posting_added_to_a_bitmap_rest_gives_the_record_made_from_all_postings(monkeypatch):
    # A new post's common words: its id goes at the end of a rest of thousands without reading it.
    monkeypatch.setattr(search_index, "LISTED", 4)
    rng = random.Random(11)
    taken = 0
    for _ in range(400):
        count = rng.choice([3, 4, 5, 9, 60, 300])
        spread = rng.choice([count + 1, 2 * count, 8 * count, 20 * count])
        ids = sorted(rng.sample(range(spread), count))
        weights = [rng.choice([100, 100, rng.randint(1, 1620)]) for _ in ids]
        record = search_index.postings_record(ids, weights)
        new_id = spread + rng.choice([0, 0, 1, 7, 8, 300])
        weight = rng.choice([1, 50, 100, rng.randint(1, 1620)])
        fast = search_index.with_one_more_in_rest(record, new_id, weight)
        if fast is not None:
            taken += 1
            assert fast == (search_index.postings_record([*ids, new_id], [*weights, weight]), count)
        if ids and rng.random() < 0.3:  # an id inside the record is never put at its end
            assert search_index.with_one_more_in_rest(record, ids[-1], 1) is None
    assert taken > 40
    # One more id would make the gaps no longer than the bitmap: read and written as gaps.
    monkeypatch.setattr(search_index, "LISTED", 1)
    record = search_index.postings_record(range(8), [1] * 7 + [1000])
    assert search_index.read_record(record) == ([(7, 1000)], list(range(7)))
    assert search_index.with_one_more_in_rest(record, 55, 1)[0] == search_index.postings_record([*range(8), 55], [1] * 7 + [1000, 1])
    assert search_index.with_one_more_in_rest(record, 56, 1) is None


def test_postings_replaced_from_an_id_on_give_the_record_made_from_all_postings(monkeypatch):
    # A post added before the newest ones moves their ids up by one: every word of those pages
    # has its postings from that id on replaced, with a rest of thousands kept as bits.
    monkeypatch.setattr(search_index, "LISTED", 4)
    rng = random.Random(12)
    taken = 0
    for _ in range(600):
        count = rng.choice([4, 5, 9, 60, 300])
        spread = rng.choice([count + 1, 2 * count, 8 * count, 20 * count])
        postings = dict.fromkeys(sorted(rng.sample(range(spread), count)))
        for doc_id in postings:
            postings[doc_id] = rng.choice([100, 100, rng.randint(1, 1620)])
        record = search_index.postings_record(list(postings), list(postings.values()))
        first = rng.randrange(spread + 2)
        new = {doc_id: rng.choice([1, 50, 100, 1620, rng.randint(1, 1620)])
               for doc_id in range(first, spread + 3) if rng.random() < 0.5}
        fast = search_index.with_tail_replaced(record, first, new)
        if fast is None:
            continue
        taken += 1
        now = {doc_id: weight for doc_id, weight in postings.items() if doc_id < first} | new
        assert fast == (search_index.postings_record(sorted(now), [now[i] for i in sorted(now)]), len(now), count)
    assert taken > 100


BODY = "{0} のデータベースの移行と監視の記録です。接続の設計を見直しました。" * 4


def test_a_new_post_rewrites_the_kept_pages_of_its_own_folder_only(tmp_path):
    from techblog.speedups.search_cache import SHELVES

    from .sitebuild import make_site, post, sphinx_build
    from .test_incremental import NOW, assert_same_site

    off = ("-D", "techblog_speedups=0")
    src = make_site(tmp_path / "site", {
        **{f"posts/2025/a{n}.md": post(date=f"2025-0{n}-10 10:00", h1=f"去年の記事 {n}", tags="[PostgreSQL]",
                                       body=BODY.format(f"去年 {n}")) for n in range(1, 4)},
        "posts/2026/b1.md": post(date="2026-01-10 10:00", h1="今年の記事", tags="[PostgreSQL]", body=BODY.format("今年")),
    })
    first = sphinx_build(src, tmp_path / "on", env=NOW)
    assert first.returncode == 0, first.output
    shelves = tmp_path / "on" / ".doctrees" / SHELVES
    kept = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in shelves.iterdir()}
    assert len(kept) == 2  # posts/2025 and posts/2026

    # Of the same length: the average length (rounded) stays, and the index is updated in place.
    (src / "posts/2026/b2.md").write_text(post(date="2026-02-10 10:00", h1="新しい記事", tags="[PostgreSQL]",
                                               body=BODY.format("新規")), encoding="utf-8")
    added = sphinx_build(src, tmp_path / "on", env=NOW, reread=False)
    assert added.returncode == 0, added.output
    now = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in shelves.iterdir()}
    assert sum(now[name] == kept[name] for name in kept) == 1  # 2025's shelf is as it was; 2026's has the new post
    assert_same_site(added, sphinx_build(src, tmp_path / "off", *off, env=NOW))

    # A shelf lost (a build stopped half-way): its pages are read again from their files.
    for shelf in shelves.iterdir():
        if now[shelf.name] != kept[shelf.name]:
            shelf.unlink()
    (src / "posts/2026/b1.md").write_text(post(date="2026-01-10 10:00", h1="今年の記事", tags="[PostgreSQL]",
                                               body=BODY.format("今年") + "アラート。"), encoding="utf-8")
    edited = sphinx_build(src, tmp_path / "on", env=NOW, reread=False)
    assert edited.returncode == 0, edited.output
    assert "Traceback" not in edited.output
    assert_same_site(edited, sphinx_build(src, tmp_path / "off2", *off, env=NOW))


def test_a_file_of_the_previous_index_is_kept_only_while_it_is_on_disk(tmp_path):
    out = tmp_path / "_search"
    first = search_index.IndexFiles(out, {})
    first.put("shard/1.json", b"{}")
    first.put("doc/1.json", b"{}")
    written: dict[str, str] = {}
    first.written = written
    first.finish(1, 1, 0)
    (out / "doc/1.json").unlink()  # removed by hand between builds
    again = search_index.IndexFiles(out, written)
    assert again.keep("shard/1.json")
    assert not again.keep("doc/1.json")
    assert not again.keep("vocab/0.json")  # not a file of the previous index
