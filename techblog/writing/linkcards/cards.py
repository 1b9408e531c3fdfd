"""Link cards in the build: a paragraph that is one bare URL becomes a card, from the committed cache only.

The transform :class:`LinkCards` finds the paragraphs :mod:`.syntax` calls cards
and replaces each with a :class:`linkcard` node holding what the cache
(``data/linkcards.yml``) says of the URL.  Its HTML is one link,
``<a class="tb-linkcard">``, whose accessible name is the title (the
description is its description), with the site's name and host and the small
image when there is one (``<img width height loading="lazy" alt="">``: the image
only decorates, the title says it all).  The image is an ordinary Sphinx image
node, so Sphinx copies it into ``_images/`` only for pages that show it, and
notes the page's dependency on it; the page also depends on the cache file, so
an incremental build rewrites the pages whose cards changed.  Its styles
(``_static/techblog-linkcards.css``) are loaded only by pages with a card.
Other builders than HTML show the plain link.

**A URL not in the cache** is shown as a plain link in its paragraph, and:

- with ``techblog_linkcards_require_cache = True`` (conf.py or ``-D``), or when
  the environment variable ``CI`` is set (CI sets ``CI=true``), it is a writer's
  problem at ``path:line`` (:func:`techblog.core.problems.report`): the build
  fails, so what is published has every card;
- otherwise it is a line of the build's output, ``path:line: リンクカード: ...``,
  logged as information, not as a warning: ``make html`` runs with ``-W``, and a
  writer who has just pasted a URL should see the page before running
  ``make linkcards``.

The build never touches the network: :mod:`.fetch` is never imported here.
"""

from __future__ import annotations

import html
import os
import posixpath
import urllib.parse
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from techblog import metadata
from techblog.core.problems import Problem, report

from . import cache, syntax

logger = logging.getLogger("techblog")

CSS = "techblog-linkcards.css"
# A card is a block of its own: not inside these (the same rule as markdown-it's nesting level 0 in syntax.py).
NOT_INSIDE = (nodes.list_item, nodes.block_quote, nodes.table, nodes.definition_list, nodes.field_list,
              nodes.footnote, nodes.citation, nodes.line_block)


class linkcard(nodes.General, nodes.Element):  # noqa: N801 - docutils names nodes in lower case
    """A card: attributes url, title, description, site_name, host, card_id; children: the plain link, the image."""


def _card_url(paragraph: nodes.paragraph) -> str | None:
    """The URL when *paragraph* is a card by :mod:`.syntax`'s rule (a bare URL, an autolink or a linkified URL)."""
    if len(paragraph.children) != 1:
        return None
    child = paragraph.children[0]
    if isinstance(child, nodes.reference):
        if len(child.children) != 1 or not isinstance(child.children[0], nodes.Text):
            return None
        url = syntax.card_url(child.astext())
        return url if url and child.get("refuri") in (url, f"mailto:{url}") else None
    if isinstance(child, nodes.Text):
        return syntax.card_url(child.astext())
    return None


_cards: dict[str, tuple[float, dict[str, cache.Card]]] = {}


def cards_of(root: Path) -> dict[str, cache.Card]:
    """The cache's cards, read again only when the file changed (each reading process has its own copy)."""
    file = root / cache.FILE
    stamp = file.stat().st_mtime_ns if file.is_file() else -1
    known = _cards.get(str(root))
    if known is None or known[0] != stamp:
        known = _cards[str(root)] = (stamp, cache.load(root)[0])
    return known[1]


def require_cache(config) -> bool:
    return bool(config.techblog_linkcards_require_cache) or os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


class LinkCards(SphinxTransform):
    """A paragraph that is one bare URL → a :class:`linkcard` (cache hit) or a plain link (miss, reported)."""

    default_priority = 210

    def apply(self, **kwargs) -> None:
        found = [(p, url) for p in self.document.findall(nodes.paragraph)
                 if (url := _card_url(p)) and not any(isinstance(a, NOT_INSIDE) for a in _ancestors(p))]
        if not found:
            return
        root = Path(self.env.srcdir)
        self.env.note_dependency(str(root / cache.FILE))
        cards = cards_of(root)
        for number, (paragraph, url) in enumerate(found, 1):
            plain = _plain_link(paragraph, url)
            card = cards.get(url)
            if card is None:
                self._missed(paragraph, url)
                continue
            node = linkcard("", url=url, title=card.title, description=card.description,
                            site_name=card.site_name, host=urllib.parse.urlsplit(url).hostname or "",
                            card_id=f"tb-linkcard-{number}")
            node.source, node.line = paragraph.source, paragraph.line
            paragraph.replace_self(node)
            node += plain
            if card.image and cache.is_local_image_path(card.image) and (root / card.image).is_file():
                image = nodes.image(uri="/" + card.image, alt="", classes=["tb-linkcard__image"])
                if card.width and card.height:
                    image["width"], image["height"] = str(card.width), str(card.height)
                node += image

    def _missed(self, paragraph: nodes.paragraph, url: str) -> None:
        path = Path(self.env.doc2path(self.env.docname)).resolve().relative_to(Path(self.env.srcdir).resolve()).as_posix()
        line = paragraph.line or 0
        message = (f"リンクカードの URL「{url}」が {cache.FILE} にありません。`make linkcards` を実行して、"
                   f"更新された {cache.FILE} と data/linkcards/ の画像をコミットしてください"
                   "（それまではふつうのリンクとして表示されます）")
        if require_cache(self.config):
            report(self.app, Problem(path, line, message))
        else:
            logger.info(f"{path}:{max(line, 1)}: リンクカード: {message}")


def _ancestors(node: nodes.Node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _plain_link(paragraph: nodes.paragraph, url: str) -> nodes.paragraph:
    """*paragraph* with its URL as a link (it already is one when written as ``<url>`` or linkified)."""
    if not isinstance(paragraph.children[0], nodes.reference):
        link = nodes.reference(url, url, refuri=url, classes=["external"])
        paragraph.children[0].parent = None
        paragraph.children = []
        paragraph += link
    return paragraph


# -- HTML ------------------------------------------------------------------------------------------


def visit_linkcard_html(self, node: linkcard) -> None:
    e = html.escape
    card_id = node["card_id"]
    described = f' aria-describedby="{card_id}-d"' if node["description"] else ""
    parts = [f'<a class="tb-linkcard" href="{e(node["url"])}" aria-labelledby="{card_id}-t"{described}>',
             '<span class="tb-linkcard__text">',
             f'<span class="tb-linkcard__title" id="{card_id}-t">{e(node["title"])}</span>']
    if node["description"]:
        parts.append(f'<span class="tb-linkcard__description" id="{card_id}-d">{e(node["description"])}</span>')
    site = node["site_name"] if node["site_name"] and node["site_name"] != node["host"] else ""
    parts.append('<span class="tb-linkcard__site">'
                 + (f'<span class="tb-linkcard__site-name">{e(site)}</span>' if site else "")
                 + f'<span class="tb-linkcard__host">{e(node["host"])}</span></span></span>')
    image = next(iter(node.findall(nodes.image)), None)
    if image is not None and image["uri"] in self.builder.images:
        src = posixpath.join(self.builder.imgpath, urllib.parse.quote(self.builder.images[image["uri"]]))
        size = f' width="{e(image["width"])}" height="{e(image["height"])}"' if "width" in image and "height" in image else ""
        parts.append(f'<img class="tb-linkcard__image" src="{e(src)}"{size} alt="" loading="lazy" decoding="async">')
    parts.append("</a>\n")
    self.body.append("".join(parts))
    raise nodes.SkipNode


def visit_linkcard_other(self, node: linkcard) -> None:
    """Other builders: the plain link only."""
    for image in list(node.findall(nodes.image)):
        image.parent.remove(image)


def depart_linkcard_other(self, node: linkcard) -> None:
    pass


def _css_only_where_cards_are(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is not None and next(iter(doctree.findall(linkcard)), None) is not None:
        return
    if "css_files" in context:
        context["css_files"] = [asset for asset in context["css_files"]
                                if str(getattr(asset, "filename", asset) or "").rsplit("/", 1)[-1] != CSS]


def setup(app: Sphinx) -> dict:
    app.add_config_value("techblog_linkcards_require_cache", False, "env", types=[bool])
    other = (visit_linkcard_other, depart_linkcard_other)
    app.add_node(linkcard, html=(visit_linkcard_html, None), text=other, latex=other, man=other, texinfo=other)
    app.add_transform(LinkCards)
    app.add_css_file(CSS)
    app.connect("html-page-context", _css_only_where_cards_are)
    return metadata()
