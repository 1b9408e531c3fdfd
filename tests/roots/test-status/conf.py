"""A fixture site configured as the blog is: the project's own conf.py, run here."""

from pathlib import Path

import techblog

_project_conf = Path(techblog.__file__).resolve().parent.parent / "conf.py"
exec(compile(_project_conf.read_text(encoding="utf-8"), str(_project_conf), "exec"))
del techblog
