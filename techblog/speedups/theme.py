"""Work pydata-sphinx-theme and sphinx-book-theme repeat on every page, done once.

- pydata-sphinx-theme renders every sidebar and header template once to find
  out whether it is empty, then again into the page.  Templates that are never
  empty skip the first render (the theme already does this for its own
  ``sidebar-nav-bs.html``; the book theme's ``sbt-sidebar-nav.html``, which
  builds the whole navigation, was missed).
- The theme renders ``page-toc.html`` once to find out whether it is empty;
  it is empty exactly when the page's table of contents is, which the page
  has already made (:mod:`techblog.speedups.page_toc`).  The template is
  rendered only when the themes' own copy is overridden.
- The navigation tree of a page outside every toctree (posts, listings) marks
  no current entry, so it depends only on the page's folder (relative links):
  it is made once per folder and kind instead of once per page, and so is the
  primary sidebar around it (:mod:`techblog.speedups.layout_fragments`).
- pydata-sphinx-theme compiles its "edit this page" URL template with a new
  ``jinja2.Template`` on every page (2 s at 1,000 posts); the compiled
  template is kept, and renders with the few names it reads instead of the
  whole page context (0.1 s).
- sphinx-book-theme's ``hash_html_assets`` looks for its assets under names
  Sphinx no longer uses and changes nothing; it runs only when they are there.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

import jinja2
import jinja2.meta
import pydata_sphinx_theme.edit_this_page as pst_edit
import pydata_sphinx_theme.utils as pst_utils
import sphinx_book_theme
from sphinx.application import Sphinx

from techblog.compat.patching import Patches
from techblog.core.perbuild import PerBuild
from techblog.speedups import layout_fragments
from techblog.speedups.layer import Speedup

# Templates that always render something: the emptiness check is skipped for them.
NEVER_EMPTY = ["navbar-logo.html", "search-button-field.html",
               "techblog/sidebar-blog.html", "sidebar-nav-bs.html",
               # The sidebar toggle always renders; our header always has the edit and theme buttons.
               "toggle-primary-sidebar.html", "article-header-buttons.html",
               # The theme's ad placement is a fixed <div> (0.15 s at 1,000 posts to find that out).
               "sidebar-ethical-ads.html"]
PAGE_TOC = "page-toc.html"
# The book theme's navigation; this site's copy (_templates/) is empty exactly when the theme
# suppresses the sidebar toctree, as on posts and listings that no toctree lists.
NAVIGATION = "sbt-sidebar-nav.html"
# The themes' page-toc.html (the book theme's is a copy with a configurable title).
THEME_PAGE_TOCS = {Path(module.__file__).parent / "theme" / module.__name__.split(".")[0] / "components" / PAGE_TOC
                   for module in (pst_utils, sphinx_book_theme)}


def _skip_never_empty(original):
    def update_and_remove(app, context, templates, section, templates_skip_empty_check=None):
        skip = list(templates_skip_empty_check or []) + NEVER_EMPTY
        if _navigation_shows(context):
            skip.append(NAVIGATION)
        if _lists_page_toc(templates) and _page_toc_shows(app, context):
            skip.append(PAGE_TOC)
        return original(app, context, templates, section, templates_skip_empty_check=skip)
    return update_and_remove


def _navigation_shows(context: dict) -> bool:
    suppress = context.get("suppress_sidebar_toctree")
    return suppress is not None and not suppress(includehidden=True)


def _lists_page_toc(templates) -> bool:
    """Whether *templates* (a list, or names separated by commas) has page-toc, and no other name the skip would match."""
    names = {name.strip() for name in (templates.split(",") if isinstance(templates, str) else templates)}
    tocs = {name for name in names if name.endswith((PAGE_TOC, "page-toc"))}
    return bool(tocs) and tocs <= {PAGE_TOC, "page-toc"}


def _page_toc_shows(app: Sphinx, context: dict) -> bool:
    """Whether the theme's ``page-toc.html`` renders something: exactly when the page's TOC is not empty.

    Asked through the page's (cached) ``generate_toc_html``, not by rendering
    the template (0.4 s at 1,000 posts); a site that overrides the template
    gets the theme's check.
    """
    if "generate_toc_html" not in context:
        return False
    stock = _stock_page_toc.get(app)
    if stock is None:
        template = app.builder.templates.environment.get_template(PAGE_TOC)
        stock = _stock_page_toc.set(app, Path(template.filename) in THEME_PAGE_TOCS)
    return stock and len(context["generate_toc_html"]()) >= 1


_stock_page_toc: PerBuild[bool] = PerBuild()


class _UrlTemplate:
    """A compiled URL template that renders with only the names it reads.

    The theme renders it with the whole page context (about 200 names, copied
    into a new Jinja context on every call, twice a page): the names the
    template does not read cannot change what it renders.
    """

    def __init__(self, source: str):
        self.template = jinja2.Template(source)
        self.names = jinja2.meta.find_undeclared_variables(self.template.environment.parse(source))

    def render(self, **context) -> str:
        return self.template.render({name: context[name] for name in self.names if name in context})


class _CompiledOnce:
    """Stands in for the ``jinja2`` module in pydata_sphinx_theme.edit_this_page."""

    def __init__(self):
        self._templates: dict[str, _UrlTemplate] = {}

    def Template(self, source: str) -> _UrlTemplate:  # noqa: N802 (the name the theme calls)
        if source not in self._templates:
            self._templates[source] = _UrlTemplate(source)
        return self._templates[source]


# sphinx-book-theme's own assets, by the names its hash_html_assets looks for.
BOOK_THEME_ASSETS = {"scripts/sphinx-book-theme.js", "styles/sphinx-book-theme.css"}


def _hash_assets_when_listed(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """sphinx-book-theme's ``hash_html_assets``, only for a page that lists the assets by those names.

    The theme adds ``?digest=`` to the entries named ``scripts/...`` and
    ``styles/...`` (sphinx-book-theme PR #794); Sphinx 7.1 and later list them
    as ``_static/...`` with their own ``?v=`` checksum (Sphinx PR #11415), so
    the handler finds nothing to change, after resolving the theme's folder
    and checking that both files exist on every page (0.3 s at 1,000 posts).
    """
    listed = {getattr(asset, "filename", str(asset))
              for key in ("css_files", "script_files") for asset in context.get(key, ())}
    if listed & BOOK_THEME_ASSETS:
        sphinx_book_theme.hash_html_assets(app, pagename, templatename, context, doctree)


def _metadata_without_description(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """sphinx-book-theme's ``add_metadata_to_page`` without the page's ``page_description``.

    The theme joins the text of every section of the page (nested sections
    again, inside their parents' text) to keep its first 160 characters as
    ``page_description`` (0.2 s at 1,000 posts), which no template of the
    theme, of pydata-sphinx-theme or of this site reads: the description in
    ``<meta>`` comes from ``techblog.distribution.social``.  The doctree is used for nothing
    else there.  ``tests/test_speed.py`` fails if a template starts to read it.
    """
    sphinx_book_theme.add_metadata_to_page(app, pagename, templatename, context, None)


def _swap_book_theme_handlers(patches: Patches, app: Sphinx) -> None:
    patches.swap_listener(app, "html-page-context", sphinx_book_theme.hash_html_assets, _hash_assets_when_listed)
    patches.swap_listener(app, "html-page-context", sphinx_book_theme.add_metadata_to_page, _metadata_without_description)


def _in_toctrees(env) -> set[str]:
    docs = {env.config.root_doc}
    for children in env.toctree_includes.values():
        docs.update(children)
    return docs


def _share_navigation(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    generate = context.get("generate_toctree_html")
    if generate is None or pagename in _nav_state(app)["in_toctrees"]:
        return
    cache = _nav_state(app)["html"]
    folder = posixpath.dirname(pagename)

    def shared(kind: str, **kwargs):
        key = (folder, kind, tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = generate(kind, **kwargs)
        return cache[key]

    context["generate_toctree_html"] = shared
    context[layout_fragments.SHARED_FOLDER] = folder


def _nav_state(app: Sphinx) -> dict:
    state = _navigation.get(app)
    if state is None:
        state = _navigation.set(app, {"in_toctrees": _in_toctrees(app.env), "html": {}})
    return state


_navigation: PerBuild[dict] = PerBuild()




def _install_empty_checks(patches: Patches, app: Sphinx) -> None:
    patches.replace(pst_utils, "_update_and_remove_templates", _skip_never_empty)


def _install_edit_url(patches: Patches, app: Sphinx) -> None:
    patches.replace(pst_edit, "jinja2", lambda original: _CompiledOnce())


def _install_shared_navigation(patches: Patches, app: Sphinx) -> None:
    # After pydata-sphinx-theme's add_toctree_functions (priority 500).
    patches.connect(app, "html-page-context", _share_navigation, priority=600)


def _install_book_theme_handlers(patches: Patches, app: Sphinx) -> None:
    # The theme may connect its handlers when the builder is made, after conf.py's extensions.
    patches.connect(app, "builder-inited", lambda app: _swap_book_theme_handlers(patches, app))


PST = {"pydata-sphinx-theme": "0.20.0"}
SPEEDUPS = [
    Speedup("theme_empty_checks", {**PST, "sphinx-book-theme": "1.4.0", "jinja2": "3.1.6"}, _install_empty_checks),
    Speedup("theme_edit_url", {**PST, "jinja2": "3.1.6"}, _install_edit_url),
    Speedup("theme_shared_navigation", PST, _install_shared_navigation),
    Speedup("book_theme_handlers", {"sphinx-book-theme": "1.4.0"}, _install_book_theme_handlers),
]
