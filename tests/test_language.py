"""A build asked for another language (Read the Docs' default project) stops with one line, before any page."""

from __future__ import annotations

import pytest

from .sitebuild import make_site, post, sphinx_build


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return make_site(tmp_path_factory.mktemp("language") / "site", {"posts/2026/a.md": post()})


@pytest.mark.parametrize("on_read_the_docs", [True, False], ids=["read-the-docs", "elsewhere"])
def test_another_language_stops_the_build_with_one_line_saying_where_to_fix_it(site, tmp_path, on_read_the_docs):
    env = {"READTHEDOCS": "True"} if on_read_the_docs else {"READTHEDOCS": ""}
    build = sphinx_build(site, tmp_path / "out", "-D", "language=en", env=env)
    assert build.returncode == 2
    assert "Traceback" not in build.output and "Exception occurred" not in build.output
    errors = [line for line in build.output.splitlines() if "ERROR" in line]
    line = next(n for n, row in enumerate((site / "conf.py").read_text(encoding="utf-8").splitlines(), 1)
                if row.startswith("language"))
    assert len(errors) == 1, build.output
    assert errors[0].startswith(f"conf.py:{line}: ERROR: 言語が「en」になっています。このサイトは日本語（ja）だけで作ります。")
    if on_read_the_docs:
        assert "Read the Docs のプロジェクトの「Settings」→「Language」を「Japanese (ja)」に" in errors[0]
    else:
        assert "-D language=en を外すか" in errors[0]
    # Stopped before reading: no page in a mixed language was written.
    assert not list((tmp_path / "out").rglob("*.html"))


def test_japanese_builds(site, tmp_path):
    build = sphinx_build(site, tmp_path / "out", "-D", "language=ja")
    assert build.returncode == 0, build.output
    assert '<html lang="ja"' in build.html("posts/2026/a.html")
