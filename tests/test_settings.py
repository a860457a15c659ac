"""Settings a user can change: a [keys] table that remaps keys, and `kuffert config`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.conftest import run_kuffert
from tui.app import KuffertApp
from tui.config import load_config
from tui.screens.home.help import HelpScreen
from tui.store.store import Store


def test_a_key_remapped_in_the_settings_file_works_and_help_shows_it(
        demo_store: Store, tmp_path: Path) -> None:
    settings = tmp_path / "config.toml"
    settings.write_text('[keys]\n"go.people" = "p"\n"help" = "f1"\n')
    config = load_config(settings)
    app = KuffertApp(demo_store, language="en", keymap=config.keys)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("p")
            await pilot.pause()
            assert app.current_mode == "people"
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            keys = {line.description: line.keys for line in app.screen.lines}
            assert keys["Keys"] == "f1"

    asyncio.run(main())


def test_kuffert_config_says_what_is_in_effect_and_where_from(tmp_path: Path) -> None:
    settings = tmp_path / "config.toml"
    settings.write_text('backups = 14\n[keys]\n"go.people" = "p"\n"no.such" = "z"\n')
    db = tmp_path / "k.json"
    result = run_kuffert("config", db=db, env={"KUFFERT_CONFIG": str(settings)})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("backups" in line and "14" in line and "settings file" in line
               for line in lines)
    assert any("db" in line and str(db) in line and "command line" in line for line in lines)
    assert any("lang" in line and "environment (KUFFERT_LANG)" in line for line in lines)
    assert "go.people = p" in result.stdout
    assert "no.such = z  (no key has this id)" in result.stdout


def test_bad_keys_and_unknown_settings_are_told_in_words(tmp_path: Path) -> None:
    settings = tmp_path / "config.toml"
    for text, words in [('[keys]\n"go.people" = 5\n', "the key for 'go.people'"),
                        ('keys = "p"\n', "[keys] must be a table"),
                        ("backup = 3\n", "a setting Kuffert does not know: backup")]:
        settings.write_text(text)
        result = run_kuffert("config", db=tmp_path / "k.json",
                             env={"KUFFERT_CONFIG": str(settings)})
        assert result.returncode == 2 and words in result.stderr, result.stderr


def test_low_bandwidth_turns_the_cursor_blink_off(demo_store: Store) -> None:
    from textual.widgets import Input

    async def blink(low: bool) -> bool:
        app = KuffertApp(demo_store, language="en", low_bandwidth=low)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("3", "slash")
            await pilot.pause()
            focused = app.focused
            assert isinstance(focused, Input)
            return focused.cursor_blink

    assert asyncio.run(blink(False)) is True
    assert asyncio.run(blink(True)) is False


def test_low_bandwidth_is_on_over_ssh_unless_the_settings_say_no(tmp_path: Path) -> None:
    settings = tmp_path / "config.toml"
    settings.write_text("")
    over_ssh = {"KUFFERT_CONFIG": str(settings), "SSH_CONNECTION": "10.0.0.2 5000 10.0.0.1 22"}
    result = run_kuffert("config", db=tmp_path / "k.json", env=over_ssh)
    assert any(line.split()[:2] == ["low_bandwidth", "yes"] for line in
               result.stdout.splitlines()), result.stdout
    settings.write_text("low_bandwidth = false\n")
    result = run_kuffert("config", db=tmp_path / "k.json", env=over_ssh)
    assert any(line.split()[:2] == ["low_bandwidth", "no"] for line in
               result.stdout.splitlines()), result.stdout
