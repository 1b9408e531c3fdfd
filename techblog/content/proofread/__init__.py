"""``make proofread``: Japanese prose review of posts and docs, as textlint's presets do it, with a terminology dictionary.

A command, not part of the build (Read the Docs never runs it):

- :mod:`.prose`: the prose of a Markdown file (not code, URLs, inline code,
  front matter or quotations), with each character's line and column
- :mod:`.analyzer`: SudachiPy, for the rules that need words
- :mod:`.rules`: one module per kind of rule; :mod:`.terms`: ``data/terms.yml`` (prh's format)
- :mod:`.config`: ``data/proofread.yml`` (severity and thresholds of each rule)
- :mod:`.suppress`: ``% proofread-allow: rule 理由: ...``
- :mod:`.changes`: the lines a pull request added or changed
- :mod:`.output`: text, GitHub annotations or reviewdog's rdjsonl
- :mod:`.command`: the command line
"""
