"""Sphinx's ``doctools.js`` evaluates code, which the site's Content Security Policy forbids.

``Documentation.addTranslations`` (Sphinx 9.0, ``sphinx/themes/basic/static/doctools.js``)
compiles the catalog's plural rule with ``new Function``; without ``'unsafe-eval'``
in ``script-src`` (:mod:`techblog.safety.csp`) it throws on every page, after the
messages are copied but before the locale is set.  ``_static/techblog-doctools-csp.js``
defines it again, between ``doctools.js`` and ``translations.js``, with the plural rules
of the languages Sphinx ships as plain functions.  Sphinx's issue on CSP (sphinx-doc/sphinx#3620)
was closed without a change.  Remove when ``doctools.js`` reads the plural rule without eval.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from techblog import metadata

SCRIPT = "techblog-doctools-csp.js"
# After doctools.js (200), before translations.js (500); both are deferred, so they run in this order.
PRIORITY = 300


def _add_script(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.add_js_file(SCRIPT, priority=PRIORITY, loading_method="defer")


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _add_script)
    return metadata()
