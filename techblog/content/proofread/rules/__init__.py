"""The rules: each a function of a block of prose that yields what it finds.

Every rule has a stable id (the key in :data:`RULES`, used in
``data/proofread.yml`` and in suppressions) and is modelled on a textlint
rule of the ``ja-technical-writing`` or ``ja-spacing`` presets; the module
of each says which.  A rule errs on the side of silence: a sentence it is
not sure about is not reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from .. import analyzer, prose
from ..prose import MASK, Block


@dataclass(frozen=True)
class Hit:
    start: int  # index in the block's text
    message: str
    fix: str = ""  # the suggested text, shown as （修正案: …）


@dataclass
class Context:
    block: Block
    options: dict = field(default_factory=dict)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        return prose.sentences(self.block)

    @cached_property
    def words(self) -> list[analyzer.Word]:
        return analyzer.words(self.block.text.replace(MASK, "＿"))

    def words_in(self, start: int, end: int) -> list[analyzer.Word]:
        return [w for w in self.words if start <= w.start < end]


Rule = Callable[[Context], Iterator[Hit]]


def _all() -> dict[str, Rule]:
    from . import characters, grammar, sentences, spacing, wording

    rules: dict[str, Rule] = {}
    for module in (sentences, grammar, wording, characters, spacing):
        rules.update(module.RULES)
    return rules


RULES: dict[str, Rule] = _all()
