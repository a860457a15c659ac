"""The one-page course summary for funders, checked against the demo data by hand.

c-horsens-dagpleje in data/demo.json: 5 held days (last 24-11-2021), 12 enrolled
(11 completed, 1 enrolled). Marks: 55 present + 1 partial of 60 -> 56 of 60 = 93.3 %.
The rule is 4 days: 11 people attended 4 or 5 days, p-hd-dp-12 only 3 -> 11 of 12.
Substitute cover: 444 hours planned, less 33.5 for missed and partial days = 410.5 hours
at 250 kr. = 102.625,00 kr.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.conftest import run_kuffert
from tui.i18n import language, set_language
from tui.store.course_summary import course_summary_markdown, write_summary
from tui.store.errors import StoreError

COURSE = "c-horsens-dagpleje"


@pytest.fixture
def english():
    before = language()
    set_language("en")
    yield
    set_language(before)


def test_summary_figures(demo_store, english) -> None:
    text = course_summary_markdown(demo_store, COURSE)
    assert text.startswith("# 5-dages læringsforløb for dagplejen 2021\n")
    assert "Wednesday 24-11-2021" in text
    assert "- **Enrolled:** 1" in text and "- **Completed:** 11" in text
    assert text.count("| Childminder |") == 12
    assert "| Rikke Dahl | Dagplejen Horsens, område Vest | Childminder | Enrolled |" in text
    assert "93.3 % (56 of 60)" in text
    assert "| Monday 20-09-2021 | 10 | 12 |" in text
    assert "91.7 % (11 of 12)" in text
    # 12 x 37 h planned = 444 h, 7.4 h a day; four days missed (-29.6 h) and a partial
    # day of 3.5 h (-3.9 h) leave 410.5 h, at 250 kr an hour 102,625 kr.
    assert "**Hours:** 410.5" in text
    assert "102,625.00 kr." in text
    assert "Cover counts enrolled people only" in text


def test_summary_danish(demo_store) -> None:
    before = language()
    set_language("da")
    try:
        text = course_summary_markdown(demo_store, COURSE)
    finally:
        set_language(before)
    assert "onsdag 24-11-2021" in text
    assert "93,3 % (56 af 60)" in text
    assert "102.625,00 kr." in text


def test_unknown_course(demo_store) -> None:
    with pytest.raises(StoreError):
        course_summary_markdown(demo_store, "c-nope")


def test_written_private(demo_store, tmp_path: Path) -> None:
    out = tmp_path / "resume.md"
    write_summary(demo_store, COURSE, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "24-11-2021" in out.read_text(encoding="utf-8")


def test_cli(demo_store, tmp_path: Path) -> None:
    db = tmp_path / "db" / "k.json"
    out = tmp_path / "resume.md"
    done = run_kuffert("summary", "--course", COURSE, "--out", str(out), db=db)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text(encoding="utf-8")
    assert "56 of 60" in text and "11 of 12" in text

    done = run_kuffert("summary", "--course", "c-nope", "--out", str(out), db=db)
    assert done.returncode == 1
    assert "c-nope" in done.stderr
    done = run_kuffert("summary", "--course", COURSE, "--out",
                       str(tmp_path / "missing" / "r.md"), db=db)
    assert done.returncode == 1
    assert "does not exist" in done.stderr


def test_key_on_course_screen(demo_store, tmp_path: Path) -> None:
    import asyncio

    from textual.widgets import Input

    from tui.app import KuffertApp
    from tui.widgets.form import FormScreen

    out = tmp_path / "resume.md"

    async def scenario() -> None:
        app = KuffertApp(demo_store, language="en")
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_course(COURSE)
            await pilot.pause()
            await pilot.press("u")
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
            field = app.screen.query_one(Input)
            assert field.value == f"~/kuffert-resume-{COURSE}.md"
            field.value = str(out)
            await pilot.press("ctrl+s")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        assert "56 of 60" in out.read_text(encoding="utf-8")

    asyncio.run(scenario())
