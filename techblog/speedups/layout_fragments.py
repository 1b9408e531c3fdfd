"""Parts of the theme's layout rendered once per folder for posts.

pydata-sphinx-theme renders its primary sidebar into every page: the header
items again (for phones), the navigation, and our blog sidebar.  On a post
that no toctree lists, none of it depends on the page but through its folder:
links are relative, no navigation entry is the current one (:mod:`techblog.speedups.theme`
already makes that navigation tree once per folder and marks such pages with
``SHARED_FOLDER``), and no link of the sidebar leads to a post.  So the
sidebar's HTML is kept per folder and per list of templates it shows (0.6 s
at 1,000 posts).  The top bar and the footer of the content are kept the same
way, by the values of the page's context they test (0.2 s).  Other pages
render as before: a listing can be a link target of the sidebar (Sphinx
writes a link to the page itself as ``#``), and the 404 page makes its links
absolute.  A build with the cache and one without give
the same files (tests/test_speed.py).
"""

from __future__ import annotations

import jinja2
from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.content import posts
from techblog.speedups.layer import Speedup

# Set by techblog.speedups.theme on pages whose navigation depends only on their folder.
SHARED_FOLDER = "techblog_shared_folder"
# Template -> what of the page's context its HTML depends on, besides the folder: the
# template lists it renders (after the theme dropped the empty ones) and the values it tests.
FRAGMENTS = {
    "sections/sidebar-primary.html": ("theme_navbar_center", "theme_navbar_end", "sidebars", "theme_primary_sidebar_end"),
    # The top bar: the search button, and the button of the secondary sidebar when it shows.
    "sections/header.html": ("theme_navbar_start", "theme_navbar_center", "theme_navbar_end", "theme_navbar_persistent",
                             "remove_sidebar_secondary", "secondary_sidebar_items"),
    # Author, copyright, date of the build.
    "sections/footer-content.html": ("theme_footer_content_items", "last_updated"),
}


def _kept_per_folder(template: jinja2.Template, store: dict, built: set[str]) -> None:
    render = template.root_render_func
    depends_on = FRAGMENTS[template.name]

    def render_once_per_folder(context):
        folder = context.get(SHARED_FOLDER)
        if folder is None or context.get("pagename") not in built:
            yield from render(context)
            return
        key = (template.name, folder, repr([context.get(name) for name in depends_on]))
        html = store.get(key)
        if html is None:
            html = store[key] = "".join(render(context))
        yield html

    template.root_render_func = render_once_per_folder


def _builder_inited(app: Sphinx) -> None:
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None:
        return
    load = environment._load_template
    store: dict[tuple, str] = {}
    built = set(posts.of(app).built())

    def load_template(name, globals):
        template = load(name, globals)
        if template.name in FRAGMENTS and not getattr(template, "_techblog_fragment", False):
            _kept_per_folder(template, store, built)
            template._techblog_fragment = True
        return template

    environment._load_template = load_template


def _install(patches: Patches, app: Sphinx) -> None:
    # After techblog.speedups.template_cache has made the environment (priority 900).
    patches.connect(app, "builder-inited", _builder_inited, priority=950)


SPEEDUP = Speedup("layout_fragments", {"jinja2": "3.1.6", "pydata-sphinx-theme": "0.20.0",
                                       "sphinx-book-theme": "1.4.0"}, _install)
