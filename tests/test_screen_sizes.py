"""The screens layer stays one you can find your way in: no screen class grows past about
450 lines (the attendance screen was 1,180, with a writer, polling, layout and a PDF sheet
in one class), and no screen polls on its own timer: the app's one watcher does."""

from __future__ import annotations

import ast
from pathlib import Path

SCREENS = Path(__file__).resolve().parents[1] / "tui" / "screens"
LIMIT = 460  # "about 450"


def classes() -> list[tuple[str, int]]:
    found = []
    for path in sorted(SCREENS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                found.append((f"{path.relative_to(SCREENS)}:{node.name}", size))
    return found


def test_no_screen_class_is_over_about_450_lines() -> None:
    found = classes()
    assert len(found) > 20  # the walk found the screens
    assert [(name, size) for name, size in found if size > LIMIT] == []


def test_no_screen_polls_on_its_own_timer() -> None:
    pollers = []
    for path in sorted(SCREENS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "set_interval"):
                pollers.append(f"{path.relative_to(SCREENS)}:{node.lineno}")
    assert pollers == []
