"""Share images (1200x630 PNG) for link previews: one per post, one for the site.

The title is set in IPAexGothic from the ``matplotlib-fontja`` package, a
pinned dependency, so a fresh machine and Read the Docs draw the same pixels
(sphinxext-opengraph's cards use a matplotlib font without Japanese glyphs and
do not wrap Japanese).  Lines break between BudouX phrases; a long title gets a
smaller font, never a cut.  The PNG holds no time stamp: the same inputs give
the same bytes, and a card whose inputs did not change is not drawn again.

A post's ``image`` front matter is used instead of a drawn card.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import re
import shutil
from functools import cache
from importlib import metadata
from pathlib import Path

import budoux
import PIL
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin
from sphinx.application import Sphinx

from . import posts, registries

WIDTH, HEIGHT = 1200, 630
FOLDER = "_social"
SITE_CARD = f"{FOLDER}/site.png"
KEY = "techblog-card"

BACKGROUND = (11, 59, 96)
PANEL = (255, 255, 255)
INK = (26, 39, 51)
MUTED = (84, 98, 112)
ACCENT = (0, 150, 170)

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


def render(title: str, authors: list[str], blog: str) -> bytes:
    """The card as PNG bytes; a function of its arguments only."""
    title, blog = drawable(title), drawable(blog)
    names = "・".join(drawable(a) for a in authors)
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(PANEL_BOX, radius=24, fill=PANEL)
    draw.rectangle((PANEL_BOX[0] + 24, PANEL_BOX[1], PANEL_BOX[2] - 24, PANEL_BOX[1] + 10), fill=ACCENT)

    face, lines, line_height = fit_title(title)
    top = TITLE_TOP + (TITLE_BOTTOM - TITLE_TOP - len(lines) * line_height) // 2
    stroke = max(1, face.size // 36)  # IPAexGothic has one weight: a thin stroke makes the title bold
    for i, line in enumerate(lines):
        draw.text((TEXT_LEFT, top + i * line_height), line, font=face, fill=INK, stroke_width=stroke, stroke_fill=INK)

    draw.line((TEXT_LEFT, 470, TEXT_RIGHT, 470), fill=(220, 226, 232), width=2)
    if names:
        draw.text((TEXT_LEFT, 492), names, font=_fit_line(names, 32, TEXT_RIGHT - TEXT_LEFT), fill=INK)
    blog_face = _fit_line(blog, 28, TEXT_RIGHT - TEXT_LEFT)
    if names:
        draw.text((TEXT_RIGHT, 560), blog, font=blog_face, fill=MUTED, anchor="rs")
    else:
        draw.text((TEXT_LEFT, 492), blog, font=_fit_line(blog, 32, TEXT_RIGHT - TEXT_LEFT), fill=INK)

    info = PngImagePlugin.PngInfo()
    info.add_text(KEY, card_key(title, authors, blog))
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, compress_level=6)
    return out.getvalue()


def card_key(title: str, authors: list[str], blog: str) -> str:
    """What a card depends on: its text, the renderer, the font and Pillow."""
    source = Path(__file__).read_bytes()
    parts = [title, authors, blog, PIL.__version__, metadata.version("matplotlib-fontja"), hashlib.sha256(source).hexdigest()]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def _current_key(path: Path) -> str | None:
    try:
        with Image.open(path) as existing:
            return existing.text.get(KEY)
    except (OSError, SyntaxError):
        return None


def write_card(path: Path, title: str, authors: list[str], blog: str) -> bool:
    """Draw the card into *path* unless it is already there; True when drawn."""
    if path.is_file() and _current_key(path) == card_key(drawable(title), authors, drawable(blog)):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(title, authors, blog))
    return True


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


def _write_images(app: Sphinx):
    if app.builder.format != "html":
        return
    out = Path(app.builder.outdir)
    blog = app.config.techblog_site["title"]
    write_card(out / SITE_CARD, blog, [], app.config.techblog_site.get("company", ""))
    for meta in posts.of(app).built().values():
        target = out / image_docpath(meta)
        if meta.image:
            source = own_image(Path(app.srcdir), meta)
            if not (target.is_file() and target.read_bytes() == source.read_bytes()):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
        else:
            write_card(target, meta.title, author_names(app, meta), blog)
    yield from ()


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.posts")
    app.connect("html-collect-pages", _write_images)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
