"""Sphinx extensions of the Minato Cloud engineering blog.

Each module is one concern and one Sphinx extension with its own ``setup()``;
``conf.py`` lists the ones the site uses.
"""

__version__ = "0.1.0"
