from .sitebuild import make_site, post, sphinx_build


def test_sample_site_builds_without_warnings(sample):
    assert "WARNING" not in sample.output
    assert "ERROR" not in sample.output
    assert sample.exists("index.html")


def test_a_minimal_site_builds(tmp_path):
    site = make_site(tmp_path / "site", {"posts/2026/hello.md": post()})
    build = sphinx_build(site, tmp_path / "out")
    assert build.returncode == 0, build.output
    assert build.exists("posts/2026/hello.html")
