"""The demo database as a user with NO_COLOR=1 sees it (Textual reads the variable when
the app is created)."""

from __future__ import annotations

import os

os.environ["NO_COLOR"] = "1"

from tests.snapshot_apps.demo_dashboard import app

__all__ = ["app"]

if __name__ == "__main__":
    app.run()
