"""Kuffert on a database that does not exist yet: the first thing a new user sees."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from tui.app import KuffertApp
from tui.store.store import Store

# Not a TemporaryDirectory: the snapshot plugin keeps only `app` from this module, and
# the folder would vanish with the module's globals while the app still reads it.
_folder = Path(tempfile.mkdtemp(prefix="kuffert-snapshot-"))
atexit.register(shutil.rmtree, _folder, ignore_errors=True)
store = Store.open(_folder / "kuffert.json")
app = KuffertApp(store, language="da", display_path="ny/kuffert.json", poll_interval=3600)

if __name__ == "__main__":
    app.run()
