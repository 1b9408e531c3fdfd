"""A post's check is kept between builds, and done again after a registry edit only when it changes the check."""

from __future__ import annotations

import pytest

from techblog.content import jst, posts, registries

from .sitebuild import make_site, post


@pytest.fixture
def site(tmp_path, monkeypatch):
    root = make_site(tmp_path / "site", {
        "posts/2026/plain.md": post(date="2026-01-10 10:00", tags="[PostgreSQL]"),
        "posts/2026/alias.md": post(date="2026-02-10 10:00", tags="[インシデント対応]"),
        "posts/2026/unknown.md": post(date="2026-03-10 10:00", tags="[Kubernetes]"),
    })
    checked: list[str] = []
    read_post = posts.read_post

    def counting(root, rel, regs):
        checked.append(rel)
        return read_post(root, rel, regs)

    monkeypatch.setattr(posts, "read_post", counting)

    def scan() -> tuple[posts.Catalog, list[str]]:
        checked.clear()
        regs = registries.load(root)
        cache = posts.ScanCache(tmp_path / "cache.pickle", "inputs", registries.digest(root, "data"))
        catalog, _ = posts.scan(root, regs, jst.now(), False, cache)
        return catalog, sorted(checked)

    return root, scan


def append(root, registry: str, text: str) -> None:
    with (root / "data" / f"{registry}.yml").open("a", encoding="utf-8") as file:
        file.write(text)


def test_a_registry_edit_checks_again_only_the_posts_it_changes(site):
    root, scan = site
    catalog, checked = scan()
    assert checked == ["posts/2026/alias.md", "posts/2026/plain.md", "posts/2026/unknown.md"]
    assert catalog.all["posts/2026/alias"].tags == ["障害対応"]
    assert catalog.all["posts/2026/unknown"].problems
    # Nothing changed: only the post with a problem is checked again (its message names what is registered).
    assert scan()[1] == ["posts/2026/unknown.md"]
    # A tag registered: the post that wanted it is fixed, no other post is checked again.
    append(root, "tags", "Kubernetes:\n  label: Kubernetes\n  slug: kubernetes\n")
    catalog, checked = scan()
    assert checked == ["posts/2026/unknown.md"]
    assert catalog.all["posts/2026/unknown"].tags == ["Kubernetes"] and not catalog.all["posts/2026/unknown"].problems
    # A label renamed: the names posts use resolve as before.
    tags = root / "data/tags.yml"
    tags.write_text(tags.read_text(encoding="utf-8").replace("label: PostgreSQL", "label: PostgreSQL（DB）"),
                    encoding="utf-8")
    assert scan()[1] == []
    # An alias moved to a tag of its own: the post written with it is checked again and gets the new tag.
    tags.write_text(tags.read_text(encoding="utf-8").replace("  aliases: [インシデント対応]\n", ""), encoding="utf-8")
    append(root, "tags", "インシデント対応:\n  label: インシデント対応\n  slug: incident-handling\n")
    catalog, checked = scan()
    assert checked == ["posts/2026/alias.md"]
    assert catalog.all["posts/2026/alias"].tags == ["インシデント対応"]
    # A tag removed: the post using it is checked again, and has a problem.
    tags.write_text(tags.read_text(encoding="utf-8").replace("PostgreSQL:\n", "PostgreSQL-old:\n"), encoding="utf-8")
    catalog, checked = scan()
    assert checked == ["posts/2026/plain.md"]
    assert catalog.all["posts/2026/plain"].problems
