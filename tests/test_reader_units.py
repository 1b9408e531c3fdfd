"""Reading time and related posts, on their own (no build)."""

from datetime import datetime

from docutils import nodes

from techblog.content import jst
from techblog.content.frontmatter import PostMeta
from techblog.reader.reading import ReadingTime, measure
from techblog.reader.related import related, series_parts


def test_reading_time_is_counted_in_japanese_characters():
    assert ReadingTime(2900, 0).label == "約6分（2,900字）"
    # Word-counting tools say 約1分 for this; at 500 characters a minute it is 3.
    assert ReadingTime(1600, 0).minutes == 3
    assert ReadingTime(40, 0).label == "約1分（40字）"


def test_code_blocks_are_weighted_by_lines_not_characters():
    doc = nodes.section()
    doc += nodes.title(text="見出しは数えない")
    doc += nodes.paragraph(text="あ" * 1000 + " " * 50)
    doc += nodes.literal_block(text="\n".join(f"echo {i} " + "x" * 200 for i in range(40)) + "\n\n")
    time = measure(doc)
    assert time == ReadingTime(chars=1000, code_lines=40)
    assert time.minutes == 4  # 2 minutes of prose + 40 lines at 20 a minute
    assert time.label == "約4分（1,000字）"


def _post(slug, day, tags=(), category="tech", series=None):
    return PostMeta(path=f"posts/2026/{slug}.md", docname=f"posts/2026/{slug}", slug=slug,
                    date=jst.to_jst(datetime(2026, 1, day)), tags=list(tags), category=category, series=series)


def test_related_posts_prefer_series_then_tags_and_never_the_post_itself():
    me = _post("me", 10, tags=["a", "b"], series="s")
    part = _post("part", 1, category="event", series="s")
    two_tags = _post("two", 2, tags=["a", "b"], category="event")
    one_tag = _post("one", 3, tags=["b"], category="event")
    nothing = _post("nothing", 20, category="event")
    chosen = related(me, [me, nothing, one_tag, two_tags, part])
    assert [p.slug for p in chosen] == ["part", "two", "one"]


def test_related_posts_are_filled_with_newest_when_few_share_anything():
    me = _post("me", 10, tags=["a"])
    alike = _post("alike", 1, tags=["a"])
    others = [_post(f"other{i}", i + 2, category="event") for i in range(4)]
    chosen = related(me, [me, alike, *others])
    assert [p.slug for p in chosen] == ["alike", "other3", "other2"]
    assert related(me, [me]) == []


def test_series_parts_are_in_date_order():
    parts = [_post("p3", 30, series="s"), _post("p1", 1, series="s"), _post("x", 2), _post("p2", 15, series="s")]
    assert [p.slug for p in series_parts(parts[0], parts)] == ["p1", "p2", "p3"]
    assert series_parts(parts[2], parts) == []
