"""The speed seams give the same answers as the code they stand in for."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from techblog import related
from techblog.speed import RelatedIndex, _indexed_related


@dataclass(eq=False)
class Meta:
    docname: str
    date: datetime
    tags: list
    category: str | None
    series: str | None


def catalog(rng: random.Random, n: int) -> list[Meta]:
    start = datetime(2024, 1, 1)
    return [
        Meta(f"posts/p{i}", start + timedelta(days=rng.randint(0, 60)),  # many equal dates: ties must keep order
             rng.sample(["a", "b", "c", "d", "e", "f"], rng.randint(0, 3)),
             rng.choice(["tech", "event", None]), rng.choice([None, None, "s1", "s2"]))
        for i in range(n)
    ]


def test_indexed_related_posts_equal_the_reader_footer_choice():
    original = getattr(related.related, "original", related.related)
    fast = _indexed_related(original)
    rng = random.Random(6)
    for n in (1, 2, 5, 40, 120):
        posts = catalog(rng, n)
        newest_first = sorted(posts, key=lambda m: m.date, reverse=True)
        for candidates in (posts, newest_first):
            for post in posts:
                want = [m.docname for m in original(post, candidates)]
                assert [m.docname for m in fast(post, candidates)] == want
                assert [m.docname for m in RelatedIndex(candidates).related(post, 1, 2)] == \
                    [m.docname for m in original(post, candidates, 1, 2)]
