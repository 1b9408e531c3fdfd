"""Safe embeds: ``{youtube} <video id>`` and ``{speakerdeck} <user>/<slides>``.

Each becomes a link card: a plain link to the video or slides, so a page loads
nothing from YouTube or Speaker Deck (no player, no thumbnail, no cookies) until
the reader clicks, and a strict Content-Security-Policy holds.  Optional
``:title:`` is the card's text, shown as text.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from techblog.core.problems import Problem, report


class _Embed(SphinxDirective):
    required_arguments = 1
    final_argument_whitespace = False
    option_spec = {"title": directives.unchanged}
    kind = ""
    service = ""
    thing = ""
    site = ""
    pattern = re.compile("")
    example = ""

    def url(self, ident: str) -> str:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        ident = self.arguments[0].strip()
        if not self.pattern.fullmatch(ident):
            path = Path(self.env.doc2path(self.env.docname)).relative_to(self.env.srcdir).as_posix()
            report(self.env.app, Problem(path, self.lineno, f"{{{self.kind}}} の ID「{ident}」が正しくありません。"
                                         f"URL ではなく ID だけを書いてください（例: {{{self.kind}}} {self.example}）"))
            return []
        title = self.options.get("title") or f"{self.service}で{self.thing}を見る"
        link = nodes.reference("", "", nodes.Text(title), refuri=self.url(ident), classes=["techblog-embed-link"])
        note = nodes.inline("", f"（外部サイトの {self.site} が開きます）", classes=["techblog-embed-note"])
        card = nodes.container("", nodes.paragraph("", "", link, nodes.Text(" "), note),
                               classes=["techblog-embed", f"techblog-embed-{self.kind}"])
        self.set_source_info(card)
        return [card]


class YouTube(_Embed):
    kind = "youtube"
    service = "YouTube"
    thing = "動画"
    site = "youtube.com"
    pattern = re.compile(r"[A-Za-z0-9_-]{11}")
    example = "dQw4w9WgXcQ"

    def url(self, ident: str) -> str:
        return f"https://www.youtube.com/watch?v={ident}"


class SpeakerDeck(_Embed):
    kind = "speakerdeck"
    service = "Speaker Deck"
    thing = "スライド"
    site = "speakerdeck.com"
    pattern = re.compile(r"[A-Za-z0-9_-]+/[A-Za-z0-9_-]+")
    example = "minatocloud/pg16-migration"

    def url(self, ident: str) -> str:
        return f"https://speakerdeck.com/{ident}"


def register(app) -> None:
    app.add_directive("youtube", YouTube)
    app.add_directive("speakerdeck", SpeakerDeck)
