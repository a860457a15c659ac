"""Where the shipped data files are, in an installed wheel and in a source checkout."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir() -> Path:
    # A wheel carries data/ inside the package (see pyproject's force-include); a source
    # checkout or editable install has it beside the package.
    for candidate in (_PACKAGE / "data", _PACKAGE.parent / "data"):
        if (candidate / "topics.json").is_file():
            return candidate
    raise FileNotFoundError("Kuffert's data files are missing; reinstall the package")


def load_json(name: str) -> Any:
    with open(data_dir() / name, encoding="utf-8") as f:
        return json.load(f)
