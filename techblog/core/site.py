"""Site-wide settings derived from ``techblog_site`` in conf.py.

conf.py only names the site; the Sphinx, MyST, ablog and theme settings that
follow from it live here, so every page, feed and link agrees on one identity.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from techblog import metadata
from techblog.core import site_config
from techblog.core.problems import Problem, conf_line, report_all

# Sources are the home and other top-level pages, posts and docs; nothing else
# in the repository (README, tests, caches, the virtualenv) is ever a page.
INCLUDE = ["*.md", "posts/**", "docs/**"]
EXCLUDE = ["README.md", "CONTRIBUTING.md", "**/.*", "**/README.md"]


def _check(app: Sphinx, config) -> None:
    """Report what is wrong with ``techblog_site``; the build goes on with stand-ins and fails at the end."""
    found = site_config.problems_of(config.techblog_site)
    if not found:
        return
    line = conf_line(app.confdir, "techblog_site")
    report_all(app, [Problem("conf.py", line, message) for message in found])
    raw = config.techblog_site if isinstance(config.techblog_site, dict) else {}
    config.techblog_site = {"company": "", "title": "", "base_url": "https://example.invalid/",
                            **{k: v for k, v in raw.items() if not any(f"[{k!r}]" in m for m in found)}}


def _apply(app: Sphinx, config) -> None:
    site = config.techblog_site
    base_url = site["base_url"].rstrip("/") + "/"
    config.project = site["title"]
    config.author = site["company"]
    config.copyright = site.get("copyright", site["company"])
    config.html_title = site["title"]
    config.html_baseurl = base_url
    config.html_last_updated_fmt = None
    config.html_search_language = "ja"
    # Posts carry no index entries: the general index would be an empty page,
    # written again on every build.
    config.html_use_index = False
    config.blog_title = site["title"]
    config.blog_baseurl = base_url
    config.blog_path = "blog"
    config.post_date_format = "%Y年%m月%d日"
    config.post_date_format_short = "%Y年%m月%d日"
    config.post_auto_image = 0
    config.post_auto_excerpt = 1
    # pydata-sphinx-theme sets this at build time when ablog is present, which
    # Sphinx sees as a changed config and re-reads every document on every build.
    config.fontawesome_included = True
    config.include_patterns = INCLUDE
    config.exclude_patterns = sorted(set(config.exclude_patterns) | set(EXCLUDE))
    config.myst_enable_extensions = sorted(set(config.myst_enable_extensions) | {"colon_fence", "deflist", "fieldlist"})
    config.myst_heading_anchors = 3
    config.templates_path = ["_templates"]
    config.html_static_path = ["_static"] + [p for p in config.html_static_path if p != "_static"]
    options = dict(config.html_theme_options or {})
    options.setdefault("repository_url", site.get("repository", ""))
    options.setdefault("repository_branch", site.get("branch", "main"))
    options.setdefault("use_edit_page_button", bool(site.get("repository")))
    options.setdefault("use_repository_button", False)
    options.setdefault("path_to_docs", "")
    options.setdefault("show_toc_level", 2)
    # Its menu offers the page's Markdown source and "print to PDF" under a button labelled
    # ".md"/".pdf", through an inline handler; a reader prints with the browser's own menu.
    options.setdefault("use_download_button", False)
    config.html_theme_options = options


def setup(app: Sphinx) -> dict:
    app.add_config_value("techblog_site", {}, "env", types=[dict])
    app.setup_extension("techblog.core.problems")
    app.connect("config-inited", _check, priority=50)
    app.connect("config-inited", _apply, priority=100)
    return metadata()
