"""Share images (1200x630 PNG) for link previews: one per post, one for the site.

The title is set in IPAexGothic from the ``matplotlib-fontja`` package, a
pinned dependency, so a fresh machine and Read the Docs draw the same pixels
(sphinxext-opengraph's cards use a matplotlib font without Japanese glyphs and
do not wrap Japanese).  Lines break between BudouX phrases; a long title gets a
smaller font, never a cut.  The PNG holds no time stamp: the same inputs give
the same bytes, and a card whose inputs did not change is not drawn again (the
keys of the cards drawn are kept in the doctree folder).

Cards are drawn by a second process (``python -m techblog.distribution.shareimage``) started
when the build starts: everything a card shows is known from the front matter
before any page is read, so on a machine with two cores or more the cards cost
the build no time.  The build waits for it at the end and fails on its errors.

A post's ``image`` front matter is used instead of a drawn card.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import budoux
import PIL
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin
from sphinx.application import Sphinx

from techblog import metadata
from techblog.content import posts, registries
from techblog.core import staleness
from techblog.core.files import files_under, write_if_changed
from techblog.core.perbuild import PerBuild
from techblog.core.problems import Problem, report

WIDTH, HEIGHT = 1200, 630
FOLDER = "_social"
SITE_CARD = f"{FOLDER}/site.png"
KEY = "techblog-card"
MANIFEST = "techblog-cards.json"
JOBS = "techblog-cards-jobs.json"

BACKGROUND = (11, 59, 96)
PANEL = (255, 255, 255)
INK = (26, 39, 51)
MUTED = (84, 98, 112)
ACCENT = (0, 150, 170)
RULE = (220, 226, 232)

PANEL_BOX = (40, 40, WIDTH - 40, HEIGHT - 40)
TEXT_LEFT, TEXT_RIGHT = 110, WIDTH - 110
TITLE_TOP, TITLE_BOTTOM = 110, 440
TITLE_SIZES = list(range(72, 27, -4)) + list(range(26, 9, -2))
WHOLE_WORDS_DOWN_TO = 40  # below this, a word is broken rather than the title made smaller


def font_path() -> Path:
    """IPAexGothic as shipped by matplotlib-fontja (found without importing matplotlib)."""
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib-fontja が入っていません。pip install -r requirements.txt を実行してください")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ipaexg.ttf"


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    # BASIC layout: no system libraqm/fribidi, so every machine lays out alike.
    return ImageFont.truetype(str(font_path()), size, layout_engine=ImageFont.Layout.BASIC)


@cache
def _notdef() -> bytes:
    return bytes(font(40).getmask("\U000f0000"))


@cache
def has_glyph(char: str) -> bool:
    return char.isspace() or bytes(font(40).getmask(char)) != _notdef()


def drawable(text: str) -> str:
    """*text* without the characters the font has no glyph for (emoji, rare symbols): no tofu."""
    return " ".join("".join(c for c in text if has_glyph(c)).split())


@cache
def _parser():
    return budoux.load_default_japanese_parser()


# Characters that never start a line (kinsoku shori): closing brackets and punctuation.
NO_LINE_START = set("、。，．,.：:；;？！?!）)」』】〕〉》]}ー…‥・ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")


def _phrases(text: str) -> list[str]:
    """BudouX phrases, with a phrase that starts with closing punctuation joined to the one before."""
    phrases: list[str] = []
    for phrase in _parser().parse(text):
        if phrases and phrase[:1] in NO_LINE_START:
            phrases[-1] += phrase
        else:
            phrases.append(phrase)
    return phrases


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, anywhere: bool = False) -> list[str] | None:
    """Lines of at most *width* pixels, broken between BudouX phrases, else at spaces.

    A word wider than a line (a long URL or identifier) makes this return None,
    unless *anywhere* allows breaking it between any two characters.
    """
    pieces: list[str] = []
    for phrase in _phrases(text):
        if face.getlength(phrase.strip()) <= width:
            pieces.append(phrase)
            continue
        for word in re.findall(r"\S+\s*|\s+", phrase):
            if face.getlength(word.strip()) <= width:
                pieces.append(word)
            elif anywhere:
                pieces.extend(word)
            else:
                return None
    lines: list[str] = []
    line = ""
    for piece in pieces:
        candidate = line + piece
        if line.strip() and face.getlength(candidate.strip()) > width:
            lines.append(line.strip())
            line = piece.lstrip()
        else:
            line = candidate
    if line.strip():
        lines.append(line.strip())
    return lines


def fit_title(title: str) -> tuple[ImageFont.FreeTypeFont, list[str], int]:
    """The largest size at which the whole title fits the title area: (font, lines, line height).

    Sizes that keep every word whole come first; breaking inside a word is
    the last resort, for words wider than the card.
    """
    width, height = TEXT_RIGHT - TEXT_LEFT, TITLE_BOTTOM - TITLE_TOP
    for anywhere in (False, True):
        for size in TITLE_SIZES if anywhere else [n for n in TITLE_SIZES if n >= WHOLE_WORDS_DOWN_TO]:
            face = font(size)
            lines = wrap(title, face, width, anywhere)
            line_height = round(size * 1.45)
            if lines is not None and len(lines) * line_height <= height:
                return face, lines, line_height
    return face, lines, line_height  # 10px: longer than any title the front matter allows


def _fit_line(text: str, size: int, width: int) -> ImageFont.FreeTypeFont:
    while size > 10 and font(size).getlength(text) > width:
        size -= 2
    return font(size)


@cache
def _base(blog: str | None) -> Image.Image:
    """What every card has: the panel, its accent and rule, and *blog* at the bottom right (when not None).

    None of the title and name lines drawn over it overlaps these, so a card
    drawn on a copy is the card drawn whole.
    """
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(PANEL_BOX, radius=24, fill=PANEL)
    draw.rectangle((PANEL_BOX[0] + 24, PANEL_BOX[1], PANEL_BOX[2] - 24, PANEL_BOX[1] + 10), fill=ACCENT)
    draw.line((TEXT_LEFT, 470, TEXT_RIGHT, 470), fill=RULE, width=2)
    if blog is not None:
        draw.text((TEXT_RIGHT, 560), blog, font=_fit_line(blog, 28, TEXT_RIGHT - TEXT_LEFT), fill=MUTED, anchor="rs")
    return image


def render(title: str, authors: list[str], blog: str) -> bytes:
    """The card as PNG bytes; a function of its arguments only."""
    title, blog = drawable(title), drawable(blog)
    names = "・".join(drawable(a) for a in authors)
    image = _base(blog if names else None).copy()
    draw = ImageDraw.Draw(image)

    face, lines, line_height = fit_title(title)
    top = TITLE_TOP + (TITLE_BOTTOM - TITLE_TOP - len(lines) * line_height) // 2
    stroke = max(1, face.size // 36)  # IPAexGothic has one weight: a thin stroke makes the title bold
    for i, line in enumerate(lines):
        draw.text((TEXT_LEFT, top + i * line_height), line, font=face, fill=INK, stroke_width=stroke, stroke_fill=INK)

    if names:
        draw.text((TEXT_LEFT, 492), names, font=_fit_line(names, 32, TEXT_RIGHT - TEXT_LEFT), fill=INK)
    else:
        draw.text((TEXT_LEFT, 492), blog, font=_fit_line(blog, 32, TEXT_RIGHT - TEXT_LEFT), fill=INK)

    info = PngImagePlugin.PngInfo()
    info.add_text(KEY, card_key(title, authors, blog))
    out = io.BytesIO()
    # A card is a few flat colours and their anti-aliased edges: as a palette image it is a
    # third of the bytes and four times faster to compress than as RGB (no edge moves by more
    # than 11 of 255 levels; the card's own colours stay exact).  zlib level 3 instead of 6:
    # 3 ms a card instead of 6 ms (the second core also checks the pages while Sphinx reads)
    # for 16 KB instead of 12 KB, fetched only by the sites a post is shared on.
    image.quantize(palette=_palette(), dither=Image.Dither.NONE).save(out, "PNG", pnginfo=info, compress_level=3)
    return out.getvalue()


@cache
def _palette() -> Image.Image:
    def ramp(a, b, steps):
        return [tuple(round(a[i] + (b[i] - a[i]) * k / (steps - 1)) for i in range(3)) for k in range(steps)]

    colours = [PANEL, BACKGROUND, INK, MUTED, ACCENT, RULE]
    # Pillow matches a pixel to the palette approximately: a shade within 10 levels of one
    # of the card's own colours would take that colour's pixels, so none is kept.
    for shade in ramp(INK, PANEL, 40) + ramp(MUTED, PANEL, 16) + ramp(BACKGROUND, PANEL, 16) + ramp(ACCENT, PANEL, 8):
        if all(max(abs(x - y) for x, y in zip(shade, kept, strict=True)) > 10 for kept in colours):
            colours.append(shade)
    palette = Image.new("P", (1, 1))
    palette.putpalette([v for colour in colours for v in colour])
    return palette


@cache
def _renderer_version() -> str:
    source = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return f"{PIL.__version__} {importlib.metadata.version('matplotlib-fontja')} {source}"


def card_key(title: str, authors: list[str], blog: str) -> str:
    """What a card depends on: its text, the renderer, the font and Pillow."""
    parts = [title, authors, blog, _renderer_version()]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def write_card(path: Path, title: str, authors: list[str], blog: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(title, authors, blog))


def image_docpath(meta) -> str:
    """Where a post's share image is in the output, relative to its root."""
    suffix = Path(meta.image).suffix.lower() if meta.image else ".png"
    return f"{FOLDER}/{meta.docname}{suffix}"


def own_image(srcdir: Path, meta) -> Path:
    base = Path(srcdir) if meta.image.startswith("/") else (Path(srcdir) / meta.path).parent
    return base / meta.image.lstrip("/")


def author_names(app: Sphinx, meta) -> list[str]:
    regs = registries.of(app)
    return [entry.label if (entry := regs.authors.get(a)) else a for a in meta.authors]


def cards(app: Sphinx) -> dict[str, dict]:
    """Every card of the build: output path -> what it shows, and its key."""
    blog = app.config.techblog_site["title"]
    wanted = {SITE_CARD: ([], blog, app.config.techblog_site.get("company", ""))}
    for meta in posts.of(app).built().values():
        if not meta.image:
            wanted[image_docpath(meta)] = (author_names(app, meta), meta.title, blog)
    result = {}
    for path, (authors, title, footer) in wanted.items():
        # Keyed by the text as written: which characters the font can draw is the renderer's
        # business (its version is in the key), and asking the font took 0.1 s of every rebuild.
        result[path] = {"title": title, "authors": authors, "blog": footer, "key": card_key(title, authors, footer)}
    return result


class Cards:
    """The cards of one build, drawn by a second process while Sphinx works."""

    def __init__(self, app: Sphinx):
        self.out = Path(app.builder.outdir)
        self.manifest_path = Path(app.doctreedir) / MANIFEST
        try:
            done = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            done = {}
        self.done = done
        self.cards = cards(app)
        drawn = {rel for rel, _ in files_under(self.out / FOLDER, f"{FOLDER}/")}
        self.todo = {path: card for path, card in self.cards.items()
                     if done.get(path) != card["key"] or path not in drawn}
        self.process: subprocess.Popen | None = None
        if self.todo:
            jobs = Path(app.doctreedir) / JOBS
            jobs.parent.mkdir(parents=True, exist_ok=True)
            jobs.write_text(json.dumps({str(self.out / p): c for p, c in self.todo.items()}, ensure_ascii=False),
                            encoding="utf-8")
            self.log = Path(app.doctreedir) / "techblog-cards.log"
            with self.log.open("wb") as log:
                self.process = subprocess.Popen([sys.executable, "-m", "techblog.distribution.shareimage", str(jobs)],
                                                stdout=log, stderr=subprocess.STDOUT,
                                                cwd=Path(__file__).resolve().parents[2])

    def finish(self, app: Sphinx) -> None:
        if self.process is not None:
            self.process.wait()
            if self.process.returncode:
                message = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] or ["?"]
                report(app, Problem("conf.py", 0, f"シェア画像を描けませんでした（{message[0]}）。"
                                                  "pip install -r requirements.txt をやり直してください"))
                return
        for gone in set(self.done) - set(self.cards):  # a post deleted or back to a draft
            (self.out / gone).unlink(missing_ok=True)
        write_if_changed(self.manifest_path,
                         json.dumps({p: c["key"] for p, c in self.cards.items()}, sort_keys=True).encode("utf-8"))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


_cards: PerBuild[Cards] = PerBuild()


def _start(app: Sphinx) -> None:
    if app.builder.format == "html":
        _cards.set(app, Cards(app))


def _copy_own_images(app: Sphinx):
    if app.builder.format != "html":
        return
    out = Path(app.builder.outdir)
    for meta in posts.of(app).built().values():
        if meta.image:
            target, source = out / image_docpath(meta), own_image(Path(app.srcdir), meta)
            if not (target.is_file() and target.read_bytes() == source.read_bytes()):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    yield from ()


def _finish(app: Sphinx, exception) -> None:
    cards = _cards.pop(app)
    if cards is None:
        return
    if exception is not None:
        cards.stop()
    else:
        cards.finish(app)


def _delete_removed_cards(app: Sphinx, exception) -> None:
    """A deleted post's share image goes with its page (techblog.core.staleness removes the page)."""
    if exception is not None or app.builder.format != "html":
        return
    folder = Path(app.builder.outdir, FOLDER)
    for docname in sorted(staleness.removed_docs(app) - set(app.env.found_docs)):
        for card in folder.glob(f"{docname}.*"):
            if card.is_file():
                card.unlink()


def main(argv: list[str]) -> int:
    """Draw the cards listed in a jobs file: {output path: {title, authors, blog}}."""
    # The build waits for the cards only at its end, but for the safety check (after reading)
    # and the search worker (at the end of writing) sooner: on a busy core those go first.
    if hasattr(os, "nice"):  # POSIX only
        os.nice(10)
    jobs = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    for path, card in jobs.items():
        write_card(Path(path), card["title"], card["authors"], card["blog"])
    Path(argv[0]).unlink()
    return 0


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.content.posts")
    app.setup_extension("techblog.core.staleness")
    app.connect("builder-inited", _start)
    app.connect("html-collect-pages", _copy_own_images)
    # Before techblog.core.problems turns reported problems into a failed build (900).
    app.connect("build-finished", _finish, priority=850)
    app.connect("build-finished", _delete_removed_cards)
    return metadata()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
