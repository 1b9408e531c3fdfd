"""``python -m techblog.writing.linkcards``: see :mod:`.command`."""

import sys

from .command import main

sys.exit(main())
