"""Pages of a listing rendered around one shell instead of through the whole theme.

Adding a post moves every later post of each listing it joins one place down,
so every page of those listings is written again: about 480 pages at 5,000
posts.  Each went through the theme's whole layout (head, top bar, sidebars,
footer: three quarters of a page's rendering), though two pages of one
listing past page 2 differ outside their list of posts only in their page
number: 「（3 / 251 ページ）」 in the title and descriptions, ``page/3.html`` in
the canonical and Open Graph URLs, ``2.html`` and ``4.html`` in the
``<link rel="prev/next">``.

So the list itself (``techblog/listing-body.html``, included by
``ablog/collection.html``) is rendered on its own, and the rest is learnt from
the pages of the listing rendered in full: the page with its list cut out is
split at its runs of digits; the runs that differ between two pages must be
the page number, or the one before or after it, on both, and every other part
must be the same.  A third page is rendered in full and must come out of the
shell byte for byte before any page is made from it.  Page 1 (the listing's
own URL, which the sidebar links to), page 2 (its previous page is page 1) and
the last page (no next page) are always rendered in full, and a listing whose
pages do not fit the shell is rendered in full throughout.

A page made from a checked shell does not need the theme's ``html-page-context``
listeners either (a quarter of such a page's time): they only set values of
the context for the head, the bars and the sidebars, which the shell already
holds.  Its list is rendered from the few values ``listing-body.html`` reads
(``tb_listing``, ``tb_card_html`` and ``pathto``), made by the listeners that
make them, and the page is written as ``handle_page`` writes it.  The list
from those values must equal the list from the whole context on the page the
shell is checked on.  Such a page is still a page of the sitemap
(:func:`techblog.distribution.findability.note_page`).  When a listener from a
module not known here is connected (an extension added in ``conf.py`` might
keep something of every page), every page goes through ``handle_page``.

With the layer off every page is rendered in full, to the same bytes
(tests/test_speedups_invariant.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging
from sphinx.util.osutil import ensuredir, relative_uri

from techblog.compat.patching import Patches
from techblog.core.perbuild import PerBuild
from techblog.distribution import findability
from techblog.reader import pages
from techblog.reader.listings import COLLECTION_TEMPLATE
from techblog.speedups import card_html
from techblog.speedups.layer import Speedup

logger = logging.getLogger(__name__)

BODY_TEMPLATE = "techblog/listing-body.html"
DIGITS = re.compile(r"(\d+)")
# A hole of the shell: the page number plus this offset.
OFFSETS = (0, -1, 1)
# Pages rendered in full before the shell is used: two to learn it from, one to check it on.
LEARN_FROM = 2
EVENT = "html-page-context"
# Modules whose html-page-context listeners only set values of the page's context (read for this
# Sphinx, these themes and ablog); ours keep nothing of a page but its name for the sitemap.
KNOWN_LISTENERS = ("techblog.", "sphinx.", "pydata_sphinx_theme", "sphinx_book_theme", "ablog", "notfound.", "alabaster")
# The listeners that make what the list of a listing page reads.
BODY_LISTENERS = (pages._page_context, card_html._page_context)


def holes(samples: list[tuple[int, str]]) -> list[str | int] | None:
    """The parts of a text that pages share, with each page-dependent run of digits as its offset from the page number.

    *samples* are (page number, text) of two pages.  Even items of the result
    are text, odd ones a run of digits: kept text, or an ``int`` offset.  None
    when the pages differ in anything else.
    """
    (a, text_a), (b, text_b) = samples
    parts_a, parts_b = DIGITS.split(text_a), DIGITS.split(text_b)
    if len(parts_a) != len(parts_b):
        return None
    shell: list[str | int] = []
    for i, (part_a, part_b) in enumerate(zip(parts_a, parts_b, strict=True)):
        if part_a == part_b:
            shell.append(part_a)
            continue
        offset = next((d for d in OFFSETS if i % 2 and part_a == str(a + d) and part_b == str(b + d)), None)
        if offset is None:
            return None
        shell.append(offset)
    return shell


def fill(shell: list[str | int], number: int) -> str:
    """The text of page *number* from its shell."""
    return "".join(str(number + part) if isinstance(part, int) else part for part in shell)


@dataclass
class Listing:
    """What one listing's pages have taught: their pages rendered in full, then a checked shell."""

    samples: list[tuple[int, str, str]] = field(default_factory=list)  # number, before the list, after it
    shell: tuple[list, list] | None = None
    checked: bool = False
    off: bool = False
    body_alone: bool = False  # the list comes out the same from the few values it reads

    def learn(self, number: int, before: str, after: str) -> None:
        if self.shell is None:
            self.samples.append((number, before, after))
            if len(self.samples) == LEARN_FROM:
                pairs = [(n, b) for n, b, _ in self.samples], [(n, a) for n, _, a in self.samples]
                made = holes(pairs[0]), holes(pairs[1])
                if None in made:
                    self.off = True
                else:
                    self.shell = made  # type: ignore[assignment]
        elif not self.checked:
            self.checked = (fill(self.shell[0], number), fill(self.shell[1], number)) == (before, after)
            self.off = not self.checked

    def page(self, number: int, body: str) -> str:
        assert self.shell is not None
        return fill(self.shell[0], number) + body + fill(self.shell[1], number)


@dataclass
class Shells:
    listings: dict[tuple, Listing] = field(default_factory=dict)
    from_shell: int = 0
    alone: int = 0  # of those, pages written without the html-page-context listeners
    in_full: int = 0
    without_listeners: bool | None = None  # None until the listeners are known


def pathto_for(builder: StandaloneHTMLBuilder, pagename: str):
    """``pathto`` as Sphinx's ``handle_page`` makes it for *pagename*."""
    default_baseuri = builder.get_target_uri(pagename).rsplit("#", 1)[0]

    def pathto(otheruri: str, resource: bool = False, baseuri: str = default_baseuri) -> str:
        if resource and "://" in otheruri:
            return otheruri
        elif not resource:
            otheruri = builder.get_target_uri(otheruri)
        uri = relative_uri(baseuri, otheruri) or "#"
        if uri == "#" and not builder.allow_sharp_as_current_path:
            uri = baseuri
        return uri
    return pathto


def _body_context(app: Sphinx, pagename: str, template: str, values: dict) -> dict:
    """What the list of a listing page reads, made without the theme's listeners."""
    context = {"pagename": pagename, "collection": values["collection"], "tb_page": values["tb_page"],
               "pathto": pathto_for(app.builder, pagename)}
    for listener in BODY_LISTENERS:
        listener(app, pagename, template, context, None)
    return context


def unknown_listeners(app: Sphinx) -> list[str]:
    modules = {getattr(listener.handler, "__module__", None) or repr(listener.handler)
               for listener in app.events.listeners.get(EVENT, ())}
    return sorted(m for m in modules if not m.startswith(KNOWN_LISTENERS))


_shells: PerBuild[Shells] = PerBuild()


def _listing_key(template: str, page: dict) -> tuple:
    """The pages that share a shell: one listing's, cut into the same number of pages."""
    return template, page["base"], page["pages"]


def _middle_page(template: str, context: dict) -> dict | None:
    """The listing page a shell can make: past page 2 and before the last page of a listing of this template."""
    page = context.get("tb_page")
    if template != COLLECTION_TEMPLATE or not isinstance(page, dict):
        return None
    return page if 2 < page["number"] < page["pages"] else None


def _wrap(app: Sphinx):
    def wrap(render):
        def render_with_shells(template: str, context: dict) -> str:
            page = _middle_page(template, context)
            shells = _shells.get(app)
            if page is None or shells is None:
                return render(template, context)
            listing = shells.listings.setdefault(_listing_key(template, page), Listing())
            if listing.off:
                shells.in_full += 1
                return render(template, context)
            body = render(BODY_TEMPLATE, context)
            if listing.checked:
                shells.from_shell += 1
                return listing.page(page["number"], body)
            shells.in_full += 1
            html = render(template, context)
            parts = html.split(body)
            if len(parts) != 2:  # the list is not in the page once, as it was rendered on its own
                listing.off = True
            else:
                listing.learn(page["number"], *parts)
                if listing.checked:
                    alone = _body_context(app, context["pagename"], template, context)
                    listing.body_alone = render(BODY_TEMPLATE, alone) == body
            return html
        return render_with_shells
    return wrap


def _wrap_handle_page(app: Sphinx):
    def wrap(handle_page):
        def handle_page_from_shell(builder, pagename: str, addctx: dict, templatename: str = "page.html",
                                   *, outfilename=None, event_arg=None) -> None:
            page = _middle_page(templatename, addctx)
            shells = _shells.get(app)
            listing = None
            if page is not None and shells is not None and outfilename is None and event_arg is None:
                listing = shells.listings.get(_listing_key(templatename, page))
            if listing is None or not (listing.checked and listing.body_alone) or not _listeners_allow(app, shells):
                return handle_page(builder, pagename, addctx, templatename, outfilename=outfilename,
                                   event_arg=event_arg)
            body = builder.templates.render(BODY_TEMPLATE, _body_context(app, pagename, templatename, addctx))
            shells.from_shell += 1
            shells.alone += 1
            path = builder.get_output_path(pagename)
            ensuredir(path.parent)
            path.write_text(listing.page(page["number"], body), encoding=builder.config.html_output_encoding,
                            errors="xmlcharrefreplace")
            findability.note_page(app, pagename)
        return handle_page_from_shell
    return wrap


def _listeners_allow(app: Sphinx, shells: Shells) -> bool:
    if shells.without_listeners is None:
        unknown = unknown_listeners(app)
        shells.without_listeners = not unknown
        if unknown:
            logger.verbose("一覧のページ: html-page-context に %s の listener があるので、すべてのページを Sphinx の手順で書きます",
                           "、".join(unknown))
    return shells.without_listeners


def _builder_inited(patches: Patches, app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    if templates is None or app.builder.format != "html":
        return
    _shells.set(app, Shells())
    patches.replace(templates, "render", _wrap(app))
    patches.replace(StandaloneHTMLBuilder, "handle_page", _wrap_handle_page(app))


def _build_finished(app: Sphinx, exception) -> None:
    shells = _shells.pop(app)
    if shells is not None and shells.from_shell:
        logger.verbose("一覧のページ: %d ページを枠から（うち %d ページはテーマの listener なしで）、%d ページを全体から作りました",
                       shells.from_shell, shells.alone, shells.in_full)


def _install(patches: Patches, app: Sphinx) -> None:
    patches.connect(app, "builder-inited", lambda app: _builder_inited(patches, app), priority=960)
    patches.connect(app, "build-finished", _build_finished)


SPEEDUP = Speedup("listing_shell", {"sphinx": "9.0.4", "jinja2": "3.1.6", "pydata-sphinx-theme": "0.20.0",
                                    "sphinx-book-theme": "1.4.0"}, _install)
