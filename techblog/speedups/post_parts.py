"""Post pages written again only for the other posts they show: their header and footer made again in place.

A new post joins the related posts of every post it shares enough tags with,
and becomes the newest post's neighbour: at 5,000 posts each new post had 20
to 130 other post pages written again (techblog.compat.incremental), each
through Sphinx's whole path: its doctree loaded and resolved, turned into
HTML, the theme's context made and its whole layout rendered, about 50 ms a
page.  Yet such a page, not read again, differs from its file of the last
build only where it shows other posts: its header (the series badge) and its
footer (series parts, previous and next posts, related posts), made by
``techblog/post-header.html`` and ``techblog/post-footer.html``.

So such a page is made from its file: the header and the footer are rendered
alone, from the values they read (``tb_post``, ``tb_card_html``, ``pathto``,
``pagename``), and put in the place of the old ones.  A page is made so only
when Sphinx would not write it by itself (its source, the templates and the
configuration are older than its file), it does not link to a page read again
(those are written again for their link texts), no sidebar lists posts and
the set of series is the same (every page is written again then), and its
file has exactly one header and one footer where the new ones fit.  The first
such page of a build is also rendered in full, and the two must be the same
bytes; otherwise every page of the build is rendered in full.  When a
``html-page-context`` listener from a module not known here is connected,
every page is rendered in full (see :mod:`techblog.speedups.listing_shell`).
A page made here is still a page of the sitemap and handed to the search
index as a written page.

Builds with ``-j`` write pages in worker processes and are left as they are.
With the layer off every page is rendered in full, to the same bytes
(tests/test_post_parts.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import sphinx.builders as sphinx_builders
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging

from techblog.compat import incremental
from techblog.compat.patching import Patches
from techblog.content import posts
from techblog.core.perbuild import PerBuild
from techblog.distribution import findability
from techblog.reader import pages
from techblog.speedups import card_html, listing_shell, search_worker
from techblog.speedups.layer import Speedup

logger = logging.getLogger(__name__)

#: (template, its opening tag, the tag that closes it): none of them holds another element of its own kind
PARTS = (
    ("techblog/post-header.html", '<div class="tb-post-header">', "<div", "</div>"),
    ("techblog/post-footer.html", '<footer class="tb-post-footer">', "<footer", "</footer>"),
)


@dataclass
class Parts:
    """One build's pages made from their files."""

    outdated: set[str]  # what Sphinx itself found out of date: written in full
    checked: bool | None = None  # None until the first page made here was compared with its full rendering
    listeners_known: bool | None = None  # None until the html-page-context listeners are looked at
    from_file: int = 0
    in_full: int = 0


_parts: PerBuild[Parts] = PerBuild()


def span(html: str, opening: str, tag: str, closing: str) -> tuple[int, int] | None:
    """Where the one element opened by *opening* is in *html*, when it holds no element of its kind."""
    start = html.find(opening)
    if start < 0 or html.find(opening, start + 1) >= 0:
        return None
    end = html.find(closing, start)
    if end < 0 or html.find(tag, start + 1, end) >= 0:
        return None
    return start, end + len(closing)


def replaced(old: str, parts: list[str]) -> str | None:
    """*old* with its header and footer replaced by the ones rendered now; None when they are not found once."""
    html = old
    for (_, opening, tag, closing), rendered in zip(PARTS, parts, strict=True):
        new_span, old_span = span(rendered, opening, tag, closing), span(html, opening, tag, closing)
        if new_span is None or old_span is None:
            return None
        html = html[:old_span[0]] + rendered[new_span[0]:new_span[1]] + html[old_span[1]:]
    return html


def _rendered_parts(app: Sphinx, docname: str) -> list[str]:
    builder = app.builder
    context = {"pagename": docname, "pathto": listing_shell.pathto_for(builder, docname),
               "tb_post": pages.post_context(app, docname)}
    card_html._page_context(app, docname, "page.html", context, None)
    return [builder.templates.render(template, dict(context)) for template, *_ in PARTS]


def _may_make(app: Sphinx, state: Parts, docname: str) -> bool:
    if state.checked is False or docname in state.outdated or docname not in incremental.shown_changed(app):
        return False
    read, relinked = incremental.docs_read(app), incremental.relinked(app)
    if read is None or docname in read or relinked is None or docname in relinked or not posts.of(app).is_built(docname):
        return False
    if state.listeners_known is None:
        state.listeners_known = not listing_shell.unknown_listeners(app)
    return state.listeners_known


def _wrap_write_docname(app: Sphinx):
    def wrap(write_docname):
        def write_or_make(docname: str, /, *, env, builder, tags) -> None:
            state = _parts.get(app)
            if state is None or builder is not app.builder or not _may_make(app, state, docname):
                return write_docname(docname, env=env, builder=builder, tags=tags)
            path = builder.get_output_path(docname)
            encoding = builder.config.html_output_encoding
            old = path.read_text(encoding=encoding) if path.is_file() else None
            made = replaced(old, _rendered_parts(app, docname)) if old is not None else None
            if made is None or not state.checked:
                state.in_full += 1
                write_docname(docname, env=env, builder=builder, tags=tags)
                if made is not None:
                    state.checked = made == path.read_text(encoding=encoding)
                    if not state.checked:
                        logger.verbose("記事のページ: %s を前のファイルから作ると全体から作るのと違うので、"
                                       "このビルドでは全体から作ります", docname)
                return None
            path.write_text(made, encoding=encoding, errors="xmlcharrefreplace")
            state.from_file += 1
            findability.note_page(app, docname)
            search_worker.page_written(app, docname)
            return None
        return write_or_make
    return wrap


def _wrap_outdated(app: Sphinx):
    def wrap(get_outdated_docs):
        def outdated_docs(builder):
            for docname in get_outdated_docs(builder):
                state = _parts.get(app)
                if state is not None and builder is app.builder:
                    state.outdated.add(docname)
                yield docname
        return outdated_docs
    return wrap


def _builder_inited(patches: Patches, app: Sphinx) -> None:
    if not isinstance(app.builder, StandaloneHTMLBuilder) or app.builder.name != "html":
        return
    _parts.set(app, Parts(outdated=set()))
    patches.replace(sphinx_builders, "_write_docname", _wrap_write_docname(app))
    patches.replace(StandaloneHTMLBuilder, "get_outdated_docs", _wrap_outdated(app))


def _build_finished(app: Sphinx, exception) -> None:
    state = _parts.pop(app)
    if state is not None and state.from_file:
        logger.verbose("記事のページ: %d ページを前のファイルから（ヘッダーとフッターだけ作り直して）、"
                       "%d ページを全体から作りました", state.from_file, state.in_full)


def _install(patches: Patches, app: Sphinx) -> None:
    patches.connect(app, "builder-inited", lambda app: _builder_inited(patches, app), priority=960)
    patches.connect(app, "build-finished", _build_finished)


SPEEDUP = Speedup("post_parts", {"sphinx": "9.0.4", "jinja2": "3.1.6", "pydata-sphinx-theme": "0.20.0",
                                 "sphinx-book-theme": "1.4.0"}, _install)
