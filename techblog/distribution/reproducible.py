"""The same commit builds to the same bytes, whatever the day and time zone.

Dates that readers see come from front matter in Japan time (see jst), feeds
take their ``<updated>`` from their newest entry, share images hold no time
stamp.  What is left is Sphinx's own use of the clock, undone here.

- Sphinx rewrites the current year in ``copyright`` to the year of
  ``SOURCE_DATE_EPOCH`` when that is set and earlier ("2025-2026" becomes
  "2025-2025" in a 2026 rebuild pinned to 2025).  The copyright line is the
  one written in ``techblog_site``: it is put back after Sphinx's rewrite.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from techblog import metadata


def _restore_copyright(app: Sphinx, config) -> None:
    site = config.techblog_site
    config.copyright = site.get("copyright", site.get("company", ""))


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.core.site")
    # After sphinx.config.correct_copyright_year (priority 800).
    app.connect("config-inited", _restore_copyright, priority=900)
    return metadata()
