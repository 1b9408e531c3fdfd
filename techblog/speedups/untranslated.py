"""Sphinx's translation transforms, short-cut for pages no catalog translates.

For every page it reads, Sphinx's ``Locale`` transform
(``sphinx/transforms/i18n.py``) looks for the page's message catalog
(``<locale_dirs>/ja/LC_MESSAGES/<domain>.mo``, the domain being by default
the page's first folder) through ``gettext.translation``: about a dozen file-system
checks.  ``TranslationProgressTotaliser`` then walks the whole doctree to count
the nodes that ``Locale`` translated.  The blog translates no page (its
``locales/`` holds only the Sphinx and theme strings), so both found nothing:
0.25 s of a clean build at 1,000 posts.

Here the lookup is done once per domain and build (catalogs do not change
while Sphinx reads), and where it found nothing the count is the one the walk
would give: only ``Locale`` marks nodes ``translated``, and it returns before
marking any when there is no catalog.  A site with a catalog for a domain
gets both transforms as before for that domain's pages.
"""

from __future__ import annotations

import gettext
import weakref

from sphinx.application import Sphinx
from sphinx.locale import translators
from sphinx.transforms import i18n
from sphinx.util.i18n import docname_to_domain

from techblog.compat.patching import Patches
from techblog.speedups.layer import Speedup

# env -> {text domain: whether a catalog file is there}; cleared when a build starts.
_found: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _catalog_found(transform) -> bool:
    """Whether a catalog file for the page's domain is in a locale folder: what ``Locale`` looks up first.

    ``gettext.find`` is the lookup ``gettext.translation`` makes; a file that
    is there but cannot be read counts as found, and ``Locale`` then handles
    it as before.
    """
    found = _found.setdefault(transform.env, {})
    config = transform.config
    domain = docname_to_domain(transform.env.current_document.docname, config.gettext_compact)
    if domain not in found:
        languages = [config.language] if config.language else None
        dirs = [transform.env.srcdir / directory for directory in config.locale_dirs]
        # A translator Sphinx already holds under that name counts too (Locale starts from it).
        held = type(translators.get(("general", domain))) not in (type(None), gettext.NullTranslations)
        found[domain] = held or any(gettext.find(domain, str(folder), languages) for folder in dirs)
    return found[domain]


def _locale_apply(apply):
    def locale_apply(self, **kwargs) -> None:
        if _catalog_found(self):
            apply(self, **kwargs)

    return locale_apply


def _totaliser_apply(apply):
    def totaliser_apply(self, **kwargs) -> None:
        if _catalog_found(self) or issubclass(self.env._builder_cls, _catalog_builder()):
            apply(self, **kwargs)
        else:
            self.document["translation_progress"] = {"total": 0, "translated": 0}

    return totaliser_apply


def _catalog_builder() -> type:
    from sphinx.builders.gettext import MessageCatalogBuilder

    return MessageCatalogBuilder


def _builder_inited(app: Sphinx) -> None:
    _found.pop(app.env, None)


def _install(patches: Patches, app: Sphinx) -> None:
    patches.replace(i18n.Locale, "apply", _locale_apply)
    patches.replace(i18n.TranslationProgressTotaliser, "apply", _totaliser_apply)
    patches.connect(app, "builder-inited", _builder_inited)


SPEEDUP = Speedup("untranslated", {"sphinx": "9.0.4"}, _install)
