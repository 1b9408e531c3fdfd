"""Every page under a strict Content Security Policy, and no inline script to need a looser one.

Static hosting (Read the Docs) does not let the site set response headers, so
the policy is a ``<meta http-equiv="Content-Security-Policy">`` at the top of
``<head>`` (``_templates/layout.html``): scripts, styles, images, fonts and
fetches from the site's own origin only, no inline script or event handler,
no plugins, no ``<base>`` or form pointing elsewhere.  What only a header can
add (``frame-ancestors``) is in docs/tech/csp.md.

The theme puts three kinds of inline code in a page, and each goes to a file:

- the script that applies the reader's light/dark choice before the first
  paint: ``_static/techblog-mode.js`` (``_templates/layout.html``);
- ``DOCUMENTATION_OPTIONS.<name> = <value>;`` lines (pydata-sphinx-theme adds
  the page name and the search option as inline scripts): the values go in a
  ``data-options`` attribute that ``_static/techblog-options.js`` copies in;
- the full-screen button's ``onclick``: the button carries
  ``data-tb-action`` and ``_static/techblog.js`` listens for it
  (``_templates/article-header-buttons.html``).

Sphinx writes a figure's or image's size as a ``style`` attribute; those
values are allowed by hash (``'unsafe-hashes'``), each page listing its own.

Each page this build wrote is checked at its end: an inline script, an
inline event handler, a ``javascript:`` URL or a style attribute the policy
does not allow (a theme update, a new MyST feature, an imported post) is a
problem at the page's source, and the build fails.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import time
from pathlib import Path

from sphinx.application import Sphinx

from techblog import metadata
from techblog.core import problems
from techblog.core.files import files_under
from techblog.core.perbuild import PerBuild
from techblog.core.problems import Problem, report

REFERRER = "strict-origin-when-cross-origin"  # other sites see our origin, never a page's path
POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self' data:"),
    ("connect-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)

# Inline "DOCUMENTATION_OPTIONS.name = value;" lines and the values they may set.
_OPTION = re.compile(r"\s*DOCUMENTATION_OPTIONS\.(\w+)\s*=\s*(.+?);?\s*$", re.S)
_JS_LITERALS = {"true": True, "false": False, "null": None}
# The theme's buttons that run a script, and the action techblog.js runs for each.
BUTTON_ACTIONS = {"toggleFullScreen()": "fullscreen", "window.print()": "print"}

# Folders of files that are not pages: the theme's and Sphinx's assets, copied sources.
SKIPPED = {"_static", "_sources", "_images", "_downloads", "_social", "_search", ".doctrees"}

PROBLEM_PAGES = "techblog-csp-problems.json"  # in the doctree folder: pages to check again

_STYLE_ATTR = re.compile(r"""\sstyle=(?:"([^"]*)"|'([^']*)')""")
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>", re.I)
# Searched in the page's bytes in ASCII lower case (attribute names are ASCII and case-blind in HTML):
# a case-blind pattern is tried at every character, this one only at "on".
_MAYBE_HANDLER = re.compile(rb"on[a-z]+\s*=")
_ASCII_SPACE = frozenset(b" \t\n\r\f\v")
_TAG = re.compile(r"<[a-zA-Z][^\s>/]*((?:\s+[^\s=>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*/?>")
_ATTRIBUTE_NAME = re.compile(r"\s+([^\s=>]+)(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_JS_URL = re.compile(r"""\s(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)


def policy(style_hashes: list[str] = ()) -> str:
    """The policy of one page: the fixed directives, and the hashes of its style attributes."""
    parts = []
    for name, value in POLICY:
        if name == "style-src" and style_hashes:
            value += " 'unsafe-hashes' " + " ".join(f"'{h}'" for h in style_hashes)
        parts.append(f"{name} {value}")
    return "; ".join(parts)


def style_hash(value: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(value.encode("utf-8")).digest()).decode("ascii")


def style_attributes(markup: str) -> list[str]:
    """The values of the style attributes in *markup*, as the browser hashes them (unescaped)."""
    if "style=" not in markup:  # most pages: the pattern, tried at every space, took 0.4 ms a page
        return []
    return sorted({html.unescape(a if a is not None else b) for a, b in _STYLE_ATTR.findall(markup)})


def _js_value(text: str):
    text = text.strip()
    if text in _JS_LITERALS:
        return _JS_LITERALS[text]
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("\\'", "'").replace("\\\\", "\\")
    return json.loads(text)  # numbers, double-quoted strings


def _options_from_inline_scripts(context: dict) -> dict:
    """Take the theme's inline ``DOCUMENTATION_OPTIONS`` lines out of the page's scripts; return their values."""
    options, kept = {}, []
    for script in context.get("script_files", []):
        body = getattr(script, "attributes", {}).get("body", "") if not script.filename else ""
        match = _OPTION.fullmatch(body) if body else None
        if match:
            try:
                options[match.group(1)] = _js_value(match.group(2))
                continue
            except ValueError:
                pass  # left in: the page check reports it
        kept.append(script)
    context["script_files"] = kept
    return options


def _buttons_without_handlers(buttons: list) -> list:
    out = []
    for button in buttons or []:
        button = dict(button)
        if button.get("type") == "group":
            button["buttons"] = _buttons_without_handlers(button.get("buttons"))
        elif button.get("javascript") in BUTTON_ACTIONS:
            button["action"] = BUTTON_ACTIONS[button["javascript"]]
        # Another script button keeps the theme's onclick, which the page check then reports.
        out.append(button)
    return out


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    context["tb_documentation_options"] = json.dumps(_options_from_inline_scripts(context), ensure_ascii=False,
                                                     sort_keys=True)
    if "header_buttons" in context:
        context["header_buttons"] = _buttons_without_handlers(context["header_buttons"])
    context["tb_referrer"] = REFERRER
    context["tb_csp"] = lambda: policy([style_hash(s) for s in style_attributes(context.get("body", ""))])


def page_problems(markup: str, lowered: bytes | None = None) -> list[str]:
    """What in a written page the policy would block (or would have to be loosened for).

    *lowered* is the page's UTF-8 bytes in ASCII lower case, when the caller has them.
    """
    if lowered is None:
        lowered = markup.encode("utf-8").lower()
    found = []
    head, _, _ = markup.partition("</head>")
    allowed = set(re.findall(r"'(sha256-[^']+)'", re.search(r'http-equiv="Content-Security-Policy"[^>]*', head).group(0))) \
        if 'http-equiv="Content-Security-Policy"' in head else None
    if allowed is None:
        found.append("Content Security Policy の <meta> がありません（_templates/layout.html の block css を確かめてください）")
        allowed = set()
    for tag in _INLINE_SCRIPT.findall(markup):
        found.append(f"インラインのスクリプト {tag} があります。_static/ のファイルに移してください")
    for name in _handlers(markup, lowered):
        found.append(f"インラインのイベントハンドラー（{name}=）があります。_static/ のスクリプトから addEventListener で付けてください")
    if b"javascript:" in lowered and _JS_URL.search(markup):
        found.append("javascript: の URL があります。ボタンと _static/ のスクリプトにしてください")
    for value in style_attributes(markup):
        if style_hash(value) not in allowed:
            found.append(f"ポリシーが許していない style 属性（style=\"{value}\"）があります。CSS のクラスにしてください")
    return found


def _handlers(markup: str, lowered: bytes) -> list[str]:
    """The event handler attributes (``onclick=`` ...) of the page's tags, not words in its text or attribute values.

    *lowered* is the page's bytes in ASCII lower case: a page where no ``on…=`` follows an ASCII
    space (what separates attributes in HTML) has none (most pages).
    """
    if not any(m.start() and lowered[m.start() - 1] in _ASCII_SPACE for m in _MAYBE_HANDLER.finditer(lowered)):
        return []
    names = {name.lower() for tag in _TAG.finditer(markup) for name in _ATTRIBUTE_NAME.findall(tag.group(1))}
    return sorted(name for name in names if name.startswith("on"))


def _written_pages(out: Path, started: int, again: set[str]) -> list[tuple[str, str]]:
    """(page, file) of the HTML pages written since *started*, and of those in *again*, in page order."""
    return [(page, entry.path) for page, entry in files_under(out, skip=lambda rel: rel in SKIPPED)
            if page.endswith(".html") and (page in again or entry.stat().st_mtime_ns >= started)]


def _source_of(app: Sphinx, page: str) -> str:
    docname = page.removesuffix(".html")
    if docname in app.env.all_docs:
        return Path(app.env.doc2path(docname)).relative_to(app.srcdir).as_posix()
    return page  # a page made from a template (listings, search, 404)


_started: PerBuild[int] = PerBuild()


def _start(app: Sphinx) -> None:
    _started.set(app, time.time_ns())


def _check_pages(app: Sphinx, exception) -> None:
    """Check every page this build wrote (also those written by ``-j`` workers), as a reader's browser gets it.

    Pages that had problems are checked again at the next build even when it does not write them
    (an unchanged listing), so a failed build never passes just by running it again.
    """
    started = _started.pop(app)
    if exception is not None or app.builder.format != "html" or started is None:
        return
    out = Path(app.outdir)
    record = Path(app.doctreedir) / PROBLEM_PAGES
    try:
        again = set(json.loads(record.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        again = set()
    failing = []
    # A page whose source already has a problem (the safety check found the <script> at its line)
    # fails the build anyway; the writer is told once, where it is written.
    told = problems.paths_reported(app)
    for page, path in _written_pages(out, started, again):
        raw = Path(path).read_bytes()
        markup = raw.decode("utf-8")
        if "\r" in markup:  # as a file read as text gives it
            markup = markup.replace("\r\n", "\n").replace("\r", "\n")
        found = page_problems(markup, raw.lower())
        source = _source_of(app, page)
        if found and source not in told:
            for message in found:
                report(app, Problem(source, 0, f"{page}: {message}（Content Security Policy、docs/tech/csp.md）"))
        if found:
            failing.append(page)
    if failing or again:
        record.write_text(json.dumps(failing), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    # After the themes have added their buttons and inline scripts to the page (default priority 500).
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("builder-inited", _start)
    # Before techblog.core.problems turns reported problems into a failed build (900).
    app.connect("build-finished", _check_pages, priority=800)
    return metadata()
