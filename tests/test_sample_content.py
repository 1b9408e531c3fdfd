"""The shipped sample is a real blog: enough posts, authors, categories and Markdown features."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from .sitebuild import ROOT


def front_matters() -> dict[str, dict]:
    result = {}
    for path in sorted((ROOT / "posts").glob("*/*.md")):
        text = path.read_text(encoding="utf-8")
        result[path.relative_to(ROOT).as_posix()] = yaml.safe_load(text.split("---")[1])
    return result


def published() -> dict[str, dict]:
    return {p: fm for p, fm in front_matters().items() if not fm.get("draft")}


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_enough_posts_authors_and_categories():
    posts = published()
    assert len(posts) >= 10
    assert len({a for fm in posts.values() for a in as_list(fm["author"])}) >= 3
    assert len({fm["category"] for fm in posts.values()}) >= 3
    assert sum(1 for fm in posts.values() if fm.get("featured")) >= 2
    assert any(len(as_list(fm["author"])) >= 2 for fm in posts.values())
    series = [fm["series"] for fm in posts.values() if fm.get("series")]
    assert any(series.count(s) >= 2 for s in series)


@pytest.fixture(scope="module")
def post_pages(sample) -> dict[str, BeautifulSoup]:
    pages = {}
    for rel in published():
        page = Path(rel).with_suffix(".html").as_posix()
        pages[page] = BeautifulSoup(sample.html(page), "html.parser")
    return pages


def test_every_published_post_has_a_page(sample, post_pages):
    assert len(post_pages) == len(published())


@pytest.mark.parametrize("selector", [
    "div.highlight pre",  # code blocks
    "div.admonition",  # admonitions
    "figure img[alt]",  # figures with alt text
    "table",  # tables
    "aside.footnote, .footnote-list",  # footnotes
    "a.reference.internal[href*='docs/']",  # cross-references to docs
    "div[class*='highlight-diff-'] .hll .gi",  # a diff in its language
    ".tb-file-name",  # a fence with a file name
    "figure.tb-diagram-mermaid svg",  # a Mermaid diagram
    "figure.tb-diagram-graphviz svg",  # a Graphviz diagram
    "a.tb-linkcard img",  # a link card with its image
])
def test_the_sample_uses_each_markdown_feature(post_pages, selector):
    assert any(page.select(selector) for page in post_pages.values()), selector


def test_figures_have_meaningful_alt_text(post_pages):
    for page in post_pages.values():
        for img in page.select("figure img"):
            assert len(img.get("alt", "").strip()) >= 4


def test_docs_pages_posts_link_to_exist(sample):
    assert sample.exists("docs/tech/monitoring-design.html")
    assert sample.exists("docs/tech/postgresql-upgrade-runbook.html")
    assert sample.exists("docs/writers-guide/front-matter.html")
