"""pydata-sphinx-theme's check for empty templates takes ids from the page.

pydata-sphinx-theme 0.20 renders each sidebar and header template once to see
whether it is empty (``utils._update_and_remove_templates``), with the page's
own ``unique_html_id``.  A template that asks for an id (``page-toc.html``:
``pst-page-navigation-heading``) takes it in that throwaway render, and the
page gets ``pst-page-navigation-heading-2``, an id that depends on whether the
check ran.  The check is given an id function that takes nothing, so ids do
not depend on how the emptiness was found out.  Remove when the theme checks
emptiness without consuming ids.
"""

from __future__ import annotations

import pydata_sphinx_theme.utils as pst_utils
from sphinx.application import Sphinx

from techblog import metadata
from techblog.compat.patching import for_build


def _ids_left_to_the_page(original):
    def update_and_remove_templates(app, context, templates, section, templates_skip_empty_check=None):
        unique_html_id = context.get("unique_html_id")
        if unique_html_id is None:
            return original(app, context, templates, section, templates_skip_empty_check)
        context["unique_html_id"] = str  # the base id itself; only emptiness is looked at
        try:
            return original(app, context, templates, section, templates_skip_empty_check)
        finally:
            context["unique_html_id"] = unique_html_id

    return update_and_remove_templates


def _install(app: Sphinx, config) -> None:
    for_build(app).replace(pst_utils, "_update_and_remove_templates", _ids_left_to_the_page)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _install)
    return metadata()
