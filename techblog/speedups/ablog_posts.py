"""ablog's handling of each post read, without the copies only its feeds would use.

- ``process_posts`` keeps a deep copy of every post's whole doctree in
  ``env.ablog_posts`` (only its full-text feeds read it), and its excerpt
  nodes still point at that document, so the pickled environment carried
  every post twice (29 MB at 1,000 posts; every parallel read worker pickled
  it back again).  The copy is not made, and the excerpts are detached;
  :mod:`techblog.distribution.feeds` loads a post's doctree from the doctree
  folder when a feed needs it.
- ``CheckFrontMatter`` walks every page to find its docinfo and reads all
  its fields, only to find no ``blogpost`` field and a page outside the
  (empty) ``blog_post_pattern``: 0.15 s at 1,000 posts.  That answer is now
  found from the first docinfo alone; a page it could make a post still goes
  through ablog's transform.
- ablog reads post dates with ``post_date_format`` (a display format here)
  and then dateutil's parser, 0.2 ms a post in pure Python.  The dates
  :mod:`techblog.content.posts` gives it are ISO 8601, read by
  ``datetime.fromisoformat`` first; anything else still goes to dateutil.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

import ablog.post
from docutils import nodes
from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.speedups.layer import Speedup


@contextmanager
def shadowed(obj, name: str, value):
    """Give *obj* its own attribute *name* (over its class's) while the block runs."""
    setattr(obj, name, value)
    try:
        yield
    finally:
        delattr(obj, name)


def _process_posts_without_the_copy(app: Sphinx, doctree) -> None:
    """ablog's ``process_posts``, without its deep copy of a one-post page.

    For a page with one post, ablog stores ``doctree.deepcopy()`` as the
    post's ``doctree``, which ``_slim_ablog_posts`` drops once the page is read
    (0.2 s of copying at 1,000 posts).  During the call the page's copy is an
    empty section; what else ablog copies (the excerpt's paragraphs and image,
    the section of each post on a page with several) is copied as before.
    """
    with shadowed(doctree, "deepcopy", nodes.section):  # the "copy" is dropped: see above
        ablog.post.process_posts(app, doctree)


def _slim_ablog_posts(app: Sphinx, doctree) -> None:
    for info in getattr(app.env, "ablog_posts", {}).get(app.env.docname, []):
        info["doctree"] = None
        for node in info["excerpt"]:
            for part in node.findall():
                part._document = None


def _iso_dates_first(parse):
    def date_parser(text, *args, **kwargs):
        try:
            return datetime.fromisoformat(text)
        except (TypeError, ValueError):
            return parse(text, *args, **kwargs)
    return date_parser


def _front_matter_check_when_it_can_apply(apply):
    def check(self, **kwargs):
        # What ablog's apply tests before it returns None: a docinfo, and in it a field
        # named "blogpost" or a page matched by blog_post_pattern.
        docinfo = next(self.document.findall(nodes.docinfo), None)
        if docinfo is None:
            return None
        if (self.env.docname not in self.config.matched_blog_posts
                and not any(field.children[0].astext() == "blogpost" for field in docinfo.findall(nodes.field))):
            return None
        return apply(self, **kwargs)

    return check


def _install_without_copies(patches: Patches, app: Sphinx) -> None:
    patches.swap_listener(app, "doctree-read", ablog.post.process_posts, _process_posts_without_the_copy)
    # After ablog's process_posts and techblog.content.posts' update dates (priority 600).
    patches.connect(app, "doctree-read", _slim_ablog_posts, priority=950)


def _install_front_matter_check(patches: Patches, app: Sphinx) -> None:
    patches.replace(ablog.post.CheckFrontMatter, "apply", _front_matter_check_when_it_can_apply)


def _install_iso_dates(patches: Patches, app: Sphinx) -> None:
    patches.replace(ablog.post, "date_parser", _iso_dates_first)


SPEEDUPS = [
    Speedup("ablog_posts_without_copies", {"ablog": "0.11.13", "docutils": "0.22.4"}, _install_without_copies),
    Speedup("ablog_front_matter_check", {"ablog": "0.11.13"}, _install_front_matter_check),
    Speedup("ablog_iso_dates", {"ablog": "0.11.13"}, _install_iso_dates),
]
