"""``make import``: a WordPress (WXR) or Hatena Blog (Movable Type) export moved into ``posts/``.

A command, never imported by the build.  :mod:`.wordpress` and :mod:`.hatena`
read an export into :class:`.entries.Entry` objects; :mod:`.html_to_myst` turns
each body into MyST; :mod:`.slugs` and :mod:`.registries` find ASCII slugs and
registry ids; :mod:`.writer` writes the posts, images, registries and the record
of what was imported; :mod:`.report` says what happened and where a human should look.
"""
