"""```` ```diff js ````: a diff whose lines keep the highlighting of their language.

MyST takes the first word of a fence's info string as the lexer and drops the
rest, so ```` ```diff js ```` was a plain diff.  ``diff`` is made a fence that
is a directive (MyST's ``myst_fence_as_directive``), whose argument is the
language, optionally with a file name as on Zenn (```` ```diff js:src/app.js ````).
It is Sphinx's ``code-block`` otherwise: ``:caption:``, ``:linenos:`` and
``:emphasize-lines:`` work as there.

The lexer (:class:`DiffOf`) highlights the old and the new version of the code
as wholes (a string or comment spanning lines stays one), then gives each diff
line the tokens of its version, after its marker (``gi``/``gd`` spans).  The
changed lines are marked as Pygments' highlighted lines (``hll``), which the
stylesheet colours by the marker they hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from docutils import nodes
from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class_by_name
from pygments.token import Generic, Text, _TokenType
from pygments.util import ClassNotFound
from sphinx.application import Sphinx
from sphinx.directives.code import CodeBlock

from techblog import metadata
from techblog.core import docstore
from techblog.core.problems import Problem, report

PREFIX = "diff-"
LANGUAGES = "techblog_diff_languages"  # env: docname -> inner languages of its diffs

Tokens = list[tuple[_TokenType, str]]


def _kind(line: str, in_hunk: bool) -> str:
    if not in_hunk and line.startswith(("--- ", "+++ ", "diff ", "index ", "Index: ")):
        return "header"
    if line.startswith("@@"):
        return "hunk"
    return {"+": "added", "-": "removed", " ": "context"}.get(line[:1], "bare")


def _split_lines(tokens: Iterator[tuple[_TokenType, str]]) -> list[Tokens]:
    """Tokens of a text, one list per line (each line's list ends with its line break)."""
    lines: list[Tokens] = [[]]
    for kind, value in tokens:
        for part in value.splitlines(keepends=True):
            lines[-1].append((kind, part))
            if part.endswith("\n"):
                lines.append([])
    return lines


class DiffOf(Lexer):
    """A unified diff whose code lines are highlighted by the lexer named :attr:`inner`."""

    inner = "text"

    def get_tokens_unprocessed(self, text: str):
        rows = text.splitlines(keepends=True)
        kinds, in_hunk = [], False
        for row in rows:
            kind = _kind(row, in_hunk)
            in_hunk = in_hunk or kind == "hunk"
            kinds.append(kind)
        code = {version: [] for version in ("old", "new")}
        for row, kind in zip(rows, kinds, strict=True):
            body = row if kind == "bare" else row[1:]
            if kind in ("context", "bare", "removed"):
                code["old"].append(body)
            if kind in ("context", "bare", "added"):
                code["new"].append(body)
        inner = find_lexer_class_by_name(self.inner)(stripnl=False, ensurenl=False)
        lines = {version: iter(_split_lines(inner.get_tokens("".join(parts)))) for version, parts in code.items()}
        position = 0
        for row, kind in zip(rows, kinds, strict=True):
            if kind in ("header", "hunk"):
                tokens = [(Generic.Heading if kind == "header" else Generic.Subheading, row)]
            else:
                marker = [] if kind == "bare" else [({"added": Generic.Inserted, "removed": Generic.Deleted}.get(kind, Text), row[0])]
                old = next(lines["old"], []) if kind != "added" else []
                new = next(lines["new"], []) if kind != "removed" else []
                tokens = marker + (old if kind == "removed" else new)  # a context line advances both
            for token, value in tokens:
                yield position, token, value
                position += len(value)


def lexer_for(language: str) -> type[DiffOf]:
    return type(f"DiffOf_{language}", (DiffOf,), {"inner": language, "name": f"diff ({language})", "aliases": []})


def register(app: Sphinx, language: str) -> None:
    app.add_lexer(PREFIX + language, lexer_for(language))


class Diff(CodeBlock):
    """```` ```diff [language[:file name]] ````: a diff highlighted in its language."""

    required_arguments = 0
    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        language, _, path = (self.arguments[0] if self.arguments else "").partition(":")
        language = language.strip()
        if path.strip() and "caption" not in self.options:
            self.options["caption"] = path.strip()
        if language and not _known(language):
            path = Path(self.env.doc2path(self.env.docname)).relative_to(self.env.srcdir).as_posix()
            report(self.env.app, Problem(path, self.lineno,
                                         f"```diff {language} の「{language}」は Pygments の言語名ではありません。"
                                         "```diff python のように言語名を書くか、言語名を消して ```diff にしてください"))
            language = ""
        self.arguments = [PREFIX + language if language else "diff"]
        result = super().run()
        if path.strip() and self.options.get("caption") == path.strip():
            for caption in (c for node in result for c in node.findall(nodes.caption)):
                caption["classes"].append("tb-file-name")  # as techblog.reader.codeblocks gives a file name
        for block in _literal_blocks(result):
            if language:
                register(self.env.app, language)
                docstore.of(self.env, LANGUAGES).setdefault(self.env.docname, set()).add(language)
                changed = [n for n, row in enumerate(block.rawsource.splitlines(), 1) if row[:1] in ("+", "-")
                           and not row.startswith(("+++ ", "--- "))]
                args = block.setdefault("highlight_args", {})
                args["hl_lines"] = sorted(set(args.get("hl_lines", [])) | set(changed))
        return result


def _known(language: str) -> bool:
    try:
        find_lexer_class_by_name(language)
    except ClassNotFound:
        return False
    return True


def _literal_blocks(result: list[nodes.Node]) -> list[nodes.literal_block]:
    found = []
    for node in result:
        found += [node] if isinstance(node, nodes.literal_block) else list(node.findall(nodes.literal_block))
    return found


def _register_all(app: Sphinx, env) -> None:
    """The lexers of every diff's language, in the process that writes (documents may have been read elsewhere)."""
    for languages in docstore.of(env, LANGUAGES).values():
        for language in languages:
            register(app, language)


def _fences_as_directives(app: Sphinx, config) -> None:
    config.myst_fence_as_directive = sorted(set(config.myst_fence_as_directive) | {"diff"})


def setup(app: Sphinx) -> dict:
    app.add_directive("diff", Diff)
    app.connect("config-inited", _fences_as_directives, priority=400)
    docstore.keep_per_document(app, LANGUAGES)
    app.connect("env-updated", _register_all)
    return metadata()
