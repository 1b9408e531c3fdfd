"""Link cards: a URL alone in its paragraph is shown as a card (title, description, site, small image).

- :mod:`.syntax`: what is a card, shared by the build, the command and the safety check
- :mod:`.cache`: the committed cache, ``data/linkcards.yml`` and ``data/linkcards/``
- :mod:`.cards`: the build side (a transform, the card node and its HTML); never the network
- :mod:`.fetch` and :mod:`.command`: ``make linkcards`` (``python -m techblog.writing.linkcards``)

Nothing is imported here: the command runs without Sphinx.
"""
