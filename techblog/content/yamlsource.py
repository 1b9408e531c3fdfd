"""YAML as writers type it: line numbers kept, duplicate keys caught, dates left as text.

PyYAML's safe loader forgets where a value came from, silently keeps the last of
two equal keys and turns ``2026-11-28`` into a ``date``.  Writers need a line
number on every message, and :mod:`techblog.content.jst` decides what a date means.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml


class Mapping(dict):
    """A YAML mapping that remembers the line of each key (1-based)."""

    line: int = 0
    lines: dict

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class Sequence(list):
    """A YAML sequence that remembers the line of each item (1-based)."""

    line: int = 0
    lines: list

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


@dataclass
class Loaded:
    data: object
    errors: list[tuple[int, str]] = field(default_factory=list)


class _PyLoader(yaml.SafeLoader):
    pass


# libyaml's parser when PyYAML has it (about 4x faster on 1,000 front matters); the
# constructors below stay PyYAML's, so values and line numbers are the same.  Its
# syntax errors point where it gave up rather than at the line to fix, so a file
# that does not parse is read again with the pure-Python parser for the message.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


for _cls in (_PyLoader, _Loader):
    _cls.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _mapping(loader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping()
    result.line = node.start_mark.line + 1 + loader.line_offset
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            key = str(key)
        line = key_node.start_mark.line + 1 + loader.line_offset
        if key in result:
            loader.duplicates.append(
                (line, f"「{key}」が2回書かれています（{result.lines[key]}行目と{line}行目）。どちらか一方を消してください")
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


def _sequence(loader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1 + loader.line_offset
    result.lines = [child.start_mark.line + 1 + loader.line_offset for child in node.value]
    return result


for _cls in (_PyLoader, _Loader):
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load(text: str, line_offset: int = 0) -> Loaded:
    """Parse *text*; line numbers in the result and errors are shifted by *line_offset*."""
    loaded = _load(_Loader, text, line_offset)
    if loaded.data is None and loaded.errors and _Loader is not _PyLoader:
        return _load(_PyLoader, text, line_offset)
    return loaded


def _load(loader_class, text: str, line_offset: int) -> Loaded:
    loader = loader_class(text)
    loader.line_offset = line_offset
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as err:
        return Loaded(None, [_explain(err, text, line_offset)])
    finally:
        loader.dispose()
    return Loaded(data, list(loader.duplicates))


def _explain(err: yaml.YAMLError, text: str, line_offset: int) -> tuple[int, str]:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    index = mark.line if mark else 0
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "：" in line and ":" not in line.split("#", 1)[0]:
            return (i + 1 + line_offset, "全角のコロン「：」が使われています。キーと値の間は半角の「: 」にしてください")
        if line.startswith("\t"):
            return (i + 1 + line_offset, "行頭にタブがあります。YAML の字下げは半角スペースにしてください")
    problem = getattr(err, "problem", None) or str(err)
    return (
        index + 1 + line_offset,
        f"YAML として読めません（{problem}）。"
        "「キー: 値」の形、字下げ、引用符の閉じ忘れを確認してください",
    )
