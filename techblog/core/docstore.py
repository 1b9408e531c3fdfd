"""Per-document data kept in the Sphinx environment (``env.<name>``: docname -> value).

Such data must be dropped when its document is read again and carried over from
parallel read workers; every module that keeps some registers it here once.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def of(env, name: str) -> dict:
    """``env.<name>``, created empty when missing."""
    if not hasattr(env, name):
        setattr(env, name, {})
    return getattr(env, name)


def keep_per_document(app: Sphinx, name: str) -> None:
    """Purge ``env.<name>`` entries of re-read documents and merge those of read workers."""

    def purge(app: Sphinx, env, docname: str) -> None:
        getattr(env, name, {}).pop(docname, None)

    def merge(app: Sphinx, env, docnames, other) -> None:
        mine, theirs = of(env, name), getattr(other, name, {})
        for docname in docnames:
            if docname in theirs:
                mine[docname] = theirs[docname]

    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
