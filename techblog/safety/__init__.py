"""Pre-publish safety check: what a post may not leak, inject or break.

One module per rule family (:mod:`.secrets`, :mod:`.addresses`, :mod:`.markup`,
:mod:`.images`, :mod:`.links`; the link-card cache: :mod:`.linkcards`), the raw-Markdown model they share
(:mod:`.source`), inline suppressions (:mod:`.suppress`), the project's lists
(:mod:`.config`, ``data/safety.yml``), safe embeds (:mod:`.embeds`) and the
Sphinx extension that runs them all on every page that is built
(:mod:`.extension`), and the Content Security Policy every page carries
(:mod:`.csp`).  Writers' documentation: docs/writers-guide/safety.md.
"""

from techblog import metadata


def setup(app):
    app.setup_extension("techblog.safety.extension")
    app.setup_extension("techblog.safety.csp")
    return metadata()
