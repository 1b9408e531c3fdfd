"""After reading: every diagram of the site drawn once, kept by its source's hash, and its problems reported.

Drawings live in the doctree folder (``techblog-diagrams/<key>.json``): a
rebuild draws only new or changed diagrams, all Mermaid ones in one browser
run.  A diagram that does not parse is reported at its line with the
renderer's message, on every build until it is fixed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sphinx.application import Sphinx

from techblog.core import docstore
from techblog.core.perbuild import PerBuild
from techblog.core.problems import Problem, report

from . import graphviz, mermaid, svg
from .directives import DIAGRAMS

FOLDER = "techblog-diagrams"

# The stylesheets the site's drawings use, read once after drawing (:func:`draw_all`) for the end of the build.
stylesheets_used: PerBuild[set[str]] = PerBuild(set)


def folder(app: Sphinx) -> Path:
    return Path(app.doctreedir) / FOLDER


def load(doctreedir, key: str) -> dict | None:
    file = Path(doctreedir) / FOLDER / f"{key}.json"
    return json.loads(file.read_text(encoding="utf-8")) if file.is_file() else None


def diagrams_of(env, docname: str) -> list[dict]:
    return docstore.of(env, DIAGRAMS).get(docname, [])


def write_atomically(file: Path, text: str) -> None:
    """Whole or not at all, also when parallel writers write the same file."""
    file.parent.mkdir(parents=True, exist_ok=True)
    partial = file.with_name(f".{file.name}.{os.getpid()}.part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(file)


def _save(app: Sphinx, key: str, drawing: dict) -> None:
    write_atomically(folder(app) / f"{key}.json", json.dumps(drawing, ensure_ascii=False))


def _finished_mermaid(key: str, drawn: mermaid.Drawn) -> dict:
    if drawn.error:
        return {"error": drawn.error, "line": drawn.line}
    svgs, css = {}, {}
    for mode, image in drawn.svgs.items():
        image, rules, name = svg.split_style(image, f"tbd-{key}-{mode}")
        svgs[mode] = image
        if name:
            css[name] = rules
    return {"svgs": svgs, "css": css, "labels": svg.label_text(drawn.svgs["light"])}


def _finished_graphviz(key: str, source: str) -> dict:
    image, error, line = graphviz.draw(source)
    if error:
        return {"error": error, "line": line}
    image = svg.prefix_ids(image, f"tbd-{key}")
    return {"svgs": {"both": image}, "css": {}, "labels": svg.label_text(image)}


def draw_all(app: Sphinx, env) -> None:
    every = [d for docname in sorted(docstore.of(env, DIAGRAMS)) for d in diagrams_of(env, docname)]
    if not every and not folder(app).is_dir():
        return
    missing = {d["key"]: d for d in every if not (folder(app) / f"{d['key']}.json").is_file()}
    failed: dict[str, str] = {}
    todo = [d for d in missing.values() if d["kind"] == "mermaid"]
    if todo:
        try:
            drawn = mermaid.draw([(f"tbd-{d['key']}", d["source"]) for d in todo])
            for d, result in zip(todo, drawn, strict=True):
                _save(app, d["key"], _finished_mermaid(d["key"], result))
        except (mermaid.RendererMissing, OSError) as missing_renderer:
            failed.update({d["key"]: str(missing_renderer) for d in todo})
    for d in missing.values():
        if d["kind"] == "graphviz":
            try:
                _save(app, d["key"], _finished_graphviz(d["key"], d["source"]))
            except (graphviz.RendererMissing, OSError) as missing_renderer:
                failed[d["key"]] = str(missing_renderer)
    used = stylesheets_used(app)
    for d in every:
        drawing = {} if d["key"] in failed else load(app.doctreedir, d["key"]) or {}
        used.update(drawing.get("css") or {})
        _report(app, d, drawing, failed.get(d["key"]))
    _forget_unused(app, {d["key"] for d in every})


def _report(app: Sphinx, diagram: dict, drawing: dict, failure: str | None) -> None:
    name = "Mermaid" if diagram["kind"] == "mermaid" else "Graphviz"
    if failure:
        report(app, Problem(diagram["path"], diagram["line"] - 1, failure))
        return
    if drawing.get("error"):
        at = drawing.get("line", 0)  # past the last line when the renderer met the end: the fence's line then
        line = diagram["line"] + at - 1 if 1 <= at <= diagram["lines"] else diagram["line"] - 1
        message = " ".join(drawing["error"].split())
        report(app, Problem(diagram["path"], line, f"{name} の図を描けません: {message}。"
                            "図の書き方を直してください（docs/writers-guide/code-and-diagrams.md）"))


def _forget_unused(app: Sphinx, used: set[str]) -> None:
    for file in folder(app).glob("*.json") if folder(app).is_dir() else []:
        if file.stem not in used:
            file.unlink()
