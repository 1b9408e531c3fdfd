from __future__ import annotations

import pytest

from .sitebuild import ROOT, Build, sphinx_build


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Build:
    """The shipped sample site, built once for the whole session as production builds it."""
    out = tmp_path_factory.mktemp("sample") / "html"
    build = sphinx_build(ROOT, out)
    assert build.returncode == 0, build.output
    return build
