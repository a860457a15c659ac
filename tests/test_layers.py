"""The layers are enforced, not only described."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and " 0 broken" in result.stdout


PROBE = r"""
import sys
from tui.cli.main import main
rc = main(sys.argv[1:])
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich")
               or m.startswith(("tui.screens", "tui.app")))
print("HEAVY", heavy)
sys.exit(rc)
"""


def test_headless_commands_do_not_import_the_screens(tmp_path: Path) -> None:
    db = str(tmp_path / "k.json")
    env_lang = {"KUFFERT_LANG": "en"}
    for args in (["demo"], ["check"], ["backup"], ["--version"]):
        result = subprocess.run([sys.executable, "-c", PROBE, *args, "--db", db],
                                capture_output=True, text=True,
                                env={**__import__("os").environ, **env_lang})
        assert "HEAVY []" in result.stdout or args == ["--version"], (args, result.stdout,
                                                                       result.stderr)
        assert result.returncode == 0, result.stderr


def test_domain_and_store_import_without_textual() -> None:
    code = ("import sys, tui.domain.courses, tui.domain.journals, tui.domain.parse, "
            "tui.domain.rules, tui.store.store, tui.store.check; "
            "print(sorted(m for m in sys.modules if m.startswith('textual')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
