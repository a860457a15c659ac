"""The demo database as a user with NO_COLOR=1 sees it. Textual reads the variable when
the app is created, so it is set for that moment only: left set, it reached every later
test in the same process, and a colour snapshot taken there came out grey."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

_before = os.environ.get("NO_COLOR")
os.environ["NO_COLOR"] = "1"
try:
    # A fresh demo app of its own (an import would hand back the coloured one).
    app = runpy.run_path(str(Path(__file__).with_name("demo_dashboard.py")))["app"]
finally:
    if _before is None:
        del os.environ["NO_COLOR"]
    else:
        os.environ["NO_COLOR"] = _before

__all__ = ["app"]

if __name__ == "__main__":
    app.run()
