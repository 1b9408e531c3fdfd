"""Transforms skipped on pages that have none of the nodes they change.

Sphinx applies about fifty transforms to every page it reads and a dozen more
to every page it writes.  Many look for one kind of node that a post seldom
has (a footnote, a citation, a glossary, an index entry, a substitution, a
doctest block) and walk the whole page to find none: each walk is small,
together they were 0.45 s of a clean build at 1,000 posts.

Here the page is walked once to list the kinds of node it has, and each
transform in ``GATES`` runs only when a node of a kind it looks for is there.
Every transform listed does nothing but change or remove the nodes it finds
(``sphinx/transforms``, ``sphinx/domains``, ``sphinx/builders/latex``,
``docutils/transforms/references`` at the pinned versions), and those kinds of
node come only from the parser (a directive, a role, Markdown syntax), never
from another transform, so a list made before the first of them holds for the
rest (one walk instead of eight: 0.35 s saved).
``tests/test_transform_gates.py`` builds a site with each kind of node with
and without the gates and compares every file.
"""

from __future__ import annotations

import weakref

from docutils import nodes
from docutils.transforms.references import Substitutions
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.latex.transforms import FootnoteDocnameUpdater
from sphinx.domains.citation import CitationDefinitionTransform, CitationReferenceTransform
from sphinx.transforms import AutoIndexUpgrader, DefaultSubstitutions, DoctestTransform, GlossarySorter

from techblog.compat.patching import Patches
from techblog.speedups.layer import Speedup

# Transform -> the kinds of node it looks for (and nothing else).
GATES: dict[type, tuple[type, ...]] = {
    FootnoteDocnameUpdater: FootnoteDocnameUpdater.TARGET_NODES,
    CitationDefinitionTransform: (nodes.citation,),
    CitationReferenceTransform: (nodes.citation_reference,),
    GlossarySorter: (addnodes.glossary,),
    DoctestTransform: (nodes.doctest_block,),
    AutoIndexUpgrader: (addnodes.index,),
    DefaultSubstitutions: (nodes.substitution_reference,),
    Substitutions: (nodes.substitution_reference,),
}

# document -> the kinds of node in it (made at the first gated transform of the page).
_kinds: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def has_any(document: nodes.document, targets: tuple[type, ...]) -> bool:
    """Whether the document has a node of one of *targets* (or of a subclass)."""
    kinds = _kinds.get(document)
    if kinds is None:
        kinds = _kinds[document] = frozenset(map(type, document.findall()))
    return any(issubclass(kind, targets) for kind in kinds)


def _gated(targets: tuple[type, ...]):
    def make(apply):
        def apply_where_it_can_change_something(self, **kwargs):
            if has_any(self.document, targets):
                return apply(self, **kwargs)
            return None

        return apply_where_it_can_change_something

    return make


def _install(patches: Patches, app: Sphinx) -> None:
    for transform, targets in GATES.items():
        patches.replace(transform, "apply", _gated(targets))


SPEEDUP = Speedup("transform_gates", {"sphinx": "9.0.4", "docutils": "0.22.4"}, _install)
