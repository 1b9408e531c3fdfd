"""Related posts and series order: chosen from front matter, never the post itself.

A post shares a series (strongest), tags (each one counts) and a category with
the posts related to it.  When fewer than ``minimum`` posts share anything,
the newest other posts fill the list, so a reader always gets somewhere to go.

Every post page asks for its related posts: :func:`related` answers through an
index of who shares what, built once per list of candidates (scoring every
other post for every post was quadratic); :func:`by_scoring` is the plain
definition, and the tests hold the two equal.
"""

from __future__ import annotations

from techblog.content.frontmatter import PostMeta

SERIES_WEIGHT = 5
TAG_WEIGHT = 2
CATEGORY_WEIGHT = 1


def score(post: PostMeta, other: PostMeta) -> int:
    points = TAG_WEIGHT * len(set(post.tags) & set(other.tags))
    if post.series and post.series == other.series:
        points += SERIES_WEIGHT
    if post.category and post.category == other.category:
        points += CATEGORY_WEIGHT
    return points


def by_scoring(post: PostMeta, candidates: list[PostMeta], minimum: int = 3, maximum: int = 5) -> list[PostMeta]:
    """The related posts by definition: every candidate scored against *post*."""
    others = [c for c in candidates if c.docname != post.docname]
    newest_first = sorted(others, key=lambda c: c.date, reverse=True)
    scored = sorted(
        (c for c in newest_first if score(post, c) > 0), key=lambda c: score(post, c), reverse=True
    )[:maximum]
    fill = [c for c in newest_first if c not in scored]
    return scored + fill[: max(0, minimum - len(scored))]


class RelatedIndex:
    """Who shares what, for one list of candidate posts."""

    def __init__(self, candidates):
        order = sorted(candidates, key=lambda c: c.date, reverse=True)
        self.rank = {c.docname: i for i, c in enumerate(order)}
        self.newest_first = order
        self.by_tag: dict[str, list] = {}
        self.by_series: dict[str, list] = {}
        self.by_category: dict[str, list] = {}
        for c in order:
            for tag in set(c.tags):
                self.by_tag.setdefault(tag, []).append(c)
            if c.series:
                self.by_series.setdefault(c.series, []).append(c)
            if c.category:
                self.by_category.setdefault(c.category, []).append(c)

    def related(self, post, minimum: int = 3, maximum: int = 5) -> list:
        """Same result as :func:`by_scoring`."""
        points: dict[str, int] = {}
        metas = {}
        for tag in set(post.tags):
            for c in self.by_tag.get(tag, ()):
                points[c.docname] = points.get(c.docname, 0) + TAG_WEIGHT
                metas[c.docname] = c
        for c in self.by_series.get(post.series, ()) if post.series else ():
            points[c.docname] = points.get(c.docname, 0) + SERIES_WEIGHT
            metas[c.docname] = c
        for docname, c in metas.items():
            if post.category and c.category == post.category:
                points[docname] += CATEGORY_WEIGHT
        points.pop(post.docname, None)
        scored = sorted(points, key=lambda d: (-points[d], self.rank[d]))[:maximum]
        if len(scored) < maximum and post.category:
            for c in self.by_category.get(post.category, ()):
                if len(scored) >= maximum:
                    break
                if c.docname != post.docname and c.docname not in points:
                    scored.append(c.docname)
        chosen = set(scored)
        result = [metas.get(d) or self._meta(d) for d in scored]
        for c in self.newest_first:
            if len(result) >= minimum:
                break
            if c.docname != post.docname and c.docname not in chosen:
                result.append(c)
        return result

    def _meta(self, docname: str):
        return self.newest_first[self.rank[docname]]


_last_index: list = []  # [candidates, index] of the previous call


def related(post: PostMeta, candidates: list[PostMeta], minimum: int = 3, maximum: int = 5) -> list[PostMeta]:
    """:func:`by_scoring`'s answer, through the index of the last list of candidates asked about."""
    # Callers pass a fresh copy of the same list; comparing lists checks identity first, in C.
    if not _last_index or _last_index[0] != candidates:
        _last_index[:] = [list(candidates), RelatedIndex(candidates)]
    return _last_index[1].related(post, minimum, maximum)


def series_parts(post: PostMeta, candidates: list[PostMeta]) -> list[PostMeta]:
    """Every published part of the post's series, oldest first."""
    if not post.series:
        return []
    return sorted((c for c in candidates if c.series == post.series), key=lambda c: c.date)


Topics = tuple  # (tags, category, series, date): what ``score`` and the order look at


def shares(a: Topics, b: Topics) -> bool:
    """Whether ``score`` is above zero between posts with these topics."""
    return bool(set(a[0]) & set(b[0])) or bool(a[1] and a[1] == b[1]) or bool(a[2] and a[2] == b[2])


def still_related(before: dict[str, Topics], after: dict[str, Topics],
                  lists: dict[str, list[str]], minimum: int = 3) -> dict[str, list[str]]:
    """The related lists of the previous build that are still what :func:`related` gives.

    *before* and *after* map every post to its topics (posts added, removed,
    changed or moved in time differ); *lists* holds the previous lists.  A
    post's list stays when no changed post (as it was, or as it is) shares
    anything with it, and its list did not need filling with the newest posts
    (it has *minimum* entries and every one shares something): then its
    candidates, their scores and their order are the same.
    """
    changed = [d for d in before.keys() | after.keys() if before.get(d) != after.get(d)]
    tags, categories, series = set(), set(), set()
    for docname in changed:
        for topics in (before.get(docname), after.get(docname)):
            if topics is not None:
                tags.update(topics[0])
                categories.add(topics[1])
                series.add(topics[2])
    categories.discard(None)
    series.discard(None)
    kept = {}
    for docname, chosen in lists.items():
        topics = after.get(docname)
        if topics is None or topics != before.get(docname):
            continue
        if tags.intersection(topics[0]) or topics[1] in categories or topics[2] in series:
            continue
        if len(chosen) >= minimum and all(other in before and shares(topics, before[other]) for other in chosen):
            kept[docname] = chosen
    return kept
