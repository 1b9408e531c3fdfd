"""The speed layer: everything done only to make builds faster, switchable as one.

``techblog_speedups = False`` (``make html SPHINXOPTS="-D techblog_speedups=0"``)
turns the whole layer off, and the build writes the same files
(``tests/test_speedups_invariant.py``); switching it either way reads every page again.  Each speedup is a
:class:`~techblog.speedups.layer.Speedup` in one module of this package, names
the upstream code it replaces and why, and declares the versions it was
verified against; ``docs/tech/upgrading.md`` says what to do when one stands
down.  Two of them act on the process rather than on code (imports, the
garbage collector) and are installed when the extension is set up; the others
when the configuration is read.  All are undone when the build ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from techblog import metadata

if TYPE_CHECKING:  # Sphinx is imported by the build only: worker processes import modules of this package
    from sphinx.application import Sphinx

    from techblog.speedups.layer import Speedup


def process_speedups() -> list[Speedup]:
    """Installed when the extension is set up: before the theme and the other extensions are imported."""
    from techblog.speedups import gc_tuning, lazy_imports

    return [lazy_imports.SPEEDUP, gc_tuning.SPEEDUP]


def build_speedups() -> list[Speedup]:
    """Installed when the configuration has been read, in this order."""
    from techblog.speedups import (
        ablog_posts,
        card_data,
        card_html,
        collection_order,
        collection_pages,
        docutils_settings,
        env_values,
        feed_cache,
        first_read,
        frontmatter_yaml,
        highlight_cache,
        inventory,
        layout_fragments,
        listing_shell,
        markdown_parser,
        outdated_files,
        page_files,
        page_toc,
        partial_html,
        post_parts,
        process,
        project_files,
        registry_edits,
        search_cache,
        template_cache,
        theme,
        transform_gates,
        unbuilt_posts,
        untranslated,
    )

    return [
        *process.SPEEDUPS,
        *theme.SPEEDUPS,
        feed_cache.SPEEDUP,
        search_cache.SPEEDUP,
        docutils_settings.SPEEDUP,
        highlight_cache.SPEEDUP,
        frontmatter_yaml.SPEEDUP,
        markdown_parser.SPEEDUP,
        template_cache.SPEEDUP,
        card_data.SPEEDUP,
        card_html.SPEEDUP,
        page_toc.SPEEDUP,
        first_read.SPEEDUP,
        layout_fragments.SPEEDUP,
        untranslated.SPEEDUP,
        partial_html.SPEEDUP,
        transform_gates.SPEEDUP,
        *ablog_posts.SPEEDUPS,
        collection_order.SPEEDUP,
        collection_pages.SPEEDUP,
        listing_shell.SPEEDUP,
        post_parts.SPEEDUP,
        inventory.SPEEDUP,
        page_files.SPEEDUP,
        env_values.SPEEDUP,
        outdated_files.SPEEDUP,
        project_files.SPEEDUP,
        unbuilt_posts.SPEEDUP,  # after project_files: it wraps the discovery that one makes
        registry_edits.SPEEDUP,
    ]


def enabled(app: Sphinx) -> bool:
    return bool(app.config.techblog_speedups)


def _install(app: Sphinx, speedups: list[Speedup]) -> None:
    from techblog.compat.patching import for_build
    from techblog.speedups.layer import install

    install(speedups, for_build(app), app)


def _install_build_speedups(app: Sphinx, config) -> None:
    if enabled(app):
        _install(app, build_speedups())


def setup(app: Sphinx) -> dict:
    # "env": the layer changes what the environment keeps (ablog's posts without their doctree
    # copies, for one), so switching it re-reads every page instead of handing one path's
    # environment to the other (feeds then put a post's images under a doubled folder).
    app.add_config_value("techblog_speedups", True, "env", types=[bool],
                         description="the speed layer (techblog/speedups/); off writes the same files")
    if enabled(app):
        _install(app, process_speedups())
    # After every extension's own config-inited work (the site settings: 100 to 900).
    app.connect("config-inited", _install_build_speedups, priority=990)
    return metadata()
