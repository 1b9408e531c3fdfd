"""Related posts and series order: chosen from front matter, never the post itself.

A post shares a series (strongest), tags (each one counts) and a category with
the posts related to it.  When fewer than ``minimum`` posts share anything,
the newest other posts fill the list, so a reader always gets somewhere to go.
"""

from __future__ import annotations

from .frontmatter import PostMeta

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


def related(post: PostMeta, candidates: list[PostMeta], minimum: int = 3, maximum: int = 5) -> list[PostMeta]:
    others = [c for c in candidates if c.docname != post.docname]
    newest_first = sorted(others, key=lambda c: c.date, reverse=True)
    scored = sorted(
        (c for c in newest_first if score(post, c) > 0), key=lambda c: score(post, c), reverse=True
    )[:maximum]
    fill = [c for c in newest_first if c not in scored]
    return scored + fill[: max(0, minimum - len(scored))]


def series_parts(post: PostMeta, candidates: list[PostMeta]) -> list[PostMeta]:
    """Every published part of the post's series, oldest first."""
    if not post.series:
        return []
    return sorted((c for c in candidates if c.series == post.series), key=lambda c: c.date)
