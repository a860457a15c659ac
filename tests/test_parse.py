"""The form parsers: every accepted spelling, the reasons for refusals, and no exceptions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui import i18n
from tui.domain.parse import (
    Parsed,
    format_date,
    format_hours,
    format_time,
    parse_date,
    parse_email,
    parse_hours,
    parse_int,
    parse_name,
    parse_phone,
    parse_qualification,
    parse_rating,
    parse_role,
    parse_time,
    weekday_name,
)
from tui.domain.people import Qualification, Role
from tui.i18n import N_, Message

ROOT = Path(__file__).resolve().parents[1]
DOMAIN_PO = ROOT / "data" / "locale" / "da" / "LC_MESSAGES" / "domain.po"


@contextmanager
def in_danish() -> Iterator[None]:
    i18n.set_language("da")
    try:
        yield
    finally:
        i18n.set_language("en")


@pytest.fixture
def danish() -> Iterator[None]:
    with in_danish():
        yield


def value(parsed: Parsed[Any]) -> Any:
    assert parsed.ok, str(parsed.error)
    return parsed.value


def reason(parsed: Parsed[Any]) -> str:
    assert not parsed.ok and parsed.error is not None, f"accepted: {parsed.value!r}"
    return str(parsed.error)


# --- dates ---------------------------------------------------------------------------

NOV_24 = dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    "text",
    ["24-11-2026", "24.11.2026", "24/11/2026", "24-11-26", "2026-11-24", "  24-11-2026\t"],
)
def test_date_forms(text: str) -> None:
    assert value(parse_date(text)) == NOV_24


def test_date_single_digits_and_two_digit_year() -> None:
    assert value(parse_date("1.2.26")) == dt.date(2026, 2, 1)
    assert value(parse_date("2026-2-1")) == dt.date(2026, 2, 1)


def test_impossible_date_names_the_problem() -> None:
    text = reason(parse_date("31-02-2026"))
    assert "31 February 2026" in text
    assert "24-11-2026" in text


def test_leap_day() -> None:
    assert value(parse_date("29-02-2028")) == dt.date(2028, 2, 29)
    assert "29 February 2027" in reason(parse_date("29-02-2027"))


@pytest.mark.parametrize(
    "text", ["13-13-2026", "24-11.2026", "24112026", "tomorrow", "24-11-1492", "2026/11/24"]
)
def test_date_rejections(text: str) -> None:
    assert "24-11-2026" in reason(parse_date(text)) or "1900" in reason(parse_date(text))


def test_date_refuses_other_scripts_digits() -> None:
    # int() would read Arabic-Indic digits happily; the form should not.
    assert not parse_date("٢٤-١١-٢٠٢٦").ok


def test_empty_date() -> None:
    assert "24-11-2026" in reason(parse_date("  "))
    assert parse_date("", required=False) == Parsed(value=None)


def test_format_date_and_weekday() -> None:
    assert format_date(dt.date(2026, 1, 5)) == "05-01-2026"
    assert weekday_name(NOV_24) == "Tuesday"
    assert weekday_name(NOV_24, short=True) == "Tue"


def test_weekday_in_danish(danish: None) -> None:
    assert weekday_name(NOV_24) == "tirsdag"
    assert weekday_name(dt.date(2026, 11, 28), short=True) == "lør."


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_format_date_round_trips(d: dt.date) -> None:
    assert parse_date(format_date(d)).value == d


# --- times and hours -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", dt.time(9)),
        ("9:00", dt.time(9)),
        ("9.00", dt.time(9)),
        ("0900", dt.time(9)),
        ("9", dt.time(9)),
        ("930", dt.time(9, 30)),
        ("15:50", dt.time(15, 50)),
        ("kl. 9.00", dt.time(9)),
        ("00:00", dt.time(0)),
        ("23:59", dt.time(23, 59)),
    ],
)
def test_time_forms(text: str, expected: dt.time) -> None:
    assert value(parse_time(text)) == expected


@pytest.mark.parametrize(("text", "hint"), [("24:00", "24"), ("25", "25"), ("9:60", "60")])
def test_time_out_of_range(text: str, hint: str) -> None:
    assert hint in reason(parse_time(text))


@pytest.mark.parametrize("text", ["9:5", "nine", "9:00 pm", "12345", ""])
def test_time_rejections(text: str) -> None:
    assert "09:00" in reason(parse_time(text))


def test_optional_time() -> None:
    assert parse_time(" ", required=False) == Parsed(value=None)


@given(st.times())
def test_format_time_round_trips(t: dt.time) -> None:
    assert parse_time(format_time(t)).value == t.replace(second=0, microsecond=0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7,4", 7.4), ("7.4", 7.4), ("7", 7.0), ("0,5", 0.5), (",5", 0.5), ("3,25", 3.25)],
)
def test_hours_forms(text: str, expected: float) -> None:
    assert value(parse_hours(text)) == expected


def test_hours_limits() -> None:
    assert value(parse_hours("24")) == 24.0
    assert "more than 0" in reason(parse_hours("0"))
    assert "25 hours" in reason(parse_hours("25"))
    assert "7.4 hours allowed" in reason(parse_hours("8", maximum=7.4))
    assert "two decimals" in reason(parse_hours("7,444"))
    assert "7,4" in reason(parse_hours("seven"))
    assert "7,4" in reason(parse_hours("-1"))


def test_hours_reason_uses_decimal_comma_in_danish(danish: None) -> None:
    assert reason(parse_hours("8", maximum=7.4)) == (
        "8 timer er mere end de 7,4 timer, der er tilladt her."
    )
    assert format_hours(7.4) == "7,4"


# --- names ---------------------------------------------------------------------------


def test_name_is_trimmed_and_collapsed() -> None:
    assert value(parse_name("  Aviaja \t  Lynge\n", N_("Name"))) == "Aviaja Lynge"


def test_name_is_nfc() -> None:
    assert value(parse_name("Søren Kierkega\u030aard", "Name")) == "Søren Kierkegåard"


def test_name_required_names_the_field() -> None:
    assert reason(parse_name("   ", N_("Name"))) == "Name is required."


def test_name_too_long() -> None:
    assert "201" in reason(parse_name("x" * 201, "Name"))
    assert value(parse_name("x" * 200, "Name")) == "x" * 200


@pytest.mark.parametrize("bad", ["\x00", "\x1b[2J", "\x7f", "\u202e"])
def test_name_control_characters(bad: str) -> None:
    assert "control character" in reason(parse_name(f"Anna{bad}Berthelsen", "Name"))


def test_name_label_as_message(danish: None) -> None:
    assert reason(parse_name("", i18n.msg("Name"))) == "Navn skal udfyldes."


# --- numbers -------------------------------------------------------------------------


def test_int_forms() -> None:
    assert value(parse_int("25")) == 25
    assert value(parse_int(" 1 000 ")) == 1000
    assert value(parse_int("-3", minimum=-5)) == -3
    assert parse_int("", required=False) == Parsed(value=None)


@pytest.mark.parametrize("text", ["1.000", "2,5", "ten", "1 00", "9" * 5000])
def test_int_rejections(text: str) -> None:
    assert "whole number" in reason(parse_int(text))


def test_int_range() -> None:
    assert "at least 0" in reason(parse_int("-1"))
    assert "at most 500" in reason(parse_int("501", 0, 500))


@pytest.mark.parametrize(("text", "expected"), [("1", 1), ("5", 5), (" 3 ", 3)])
def test_rating(text: str, expected: int) -> None:
    assert value(parse_rating(text)) == expected


@pytest.mark.parametrize("text", ["0", "6", "3,5", "good", ""])
def test_rating_rejections(text: str) -> None:
    assert "from 1 to 5" in reason(parse_rating(text))


# --- contact details -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["aviaja@example.gl", " a.b+c@sub.example.dk "])
def test_email_accepted(text: str) -> None:
    assert value(parse_email(text)) == text.strip()


@pytest.mark.parametrize(
    "text", ["aviaja", "a@b", "a@@b.gl", "a b@c.gl", "@example.gl", "a@.gl", "a@b.", "a@b\x00.gl"]
)
def test_email_rejected(text: str) -> None:
    assert "e-mail" in reason(parse_email(text))


def test_email_and_phone_may_be_empty() -> None:
    assert parse_email("  ") == Parsed(value="")
    assert parse_phone("") == Parsed(value="")


@pytest.mark.parametrize("text", ["+299 32 10 00", "321000", "+45 12-34-56-78", "(045) 1234 5678"])
def test_phone(text: str) -> None:
    assert value(parse_phone(text)) == text


@pytest.mark.parametrize(
    "text", ["12", "(+45)", "call me", "+45 12 34 56 78 ext. 9", "45+12345678"]
)
def test_phone_rejected(text: str) -> None:
    assert "phone number" in reason(parse_phone(text))


# --- roles and qualifications --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("leder", Role.LEADER),
        ("Leader", Role.LEADER),
        ("SOUSCHEF", Role.DEPUTY),
        ("deputy", Role.DEPUTY),
        ("Deputy leader", Role.DEPUTY),
        ("stedfortræder", Role.DEPUTY),
        ("stedfortraeder", Role.DEPUTY),
        ("  medarbejder ", Role.EMPLOYEE),
        ("employee", Role.EMPLOYEE),
        ("staff", Role.EMPLOYEE),
        ("dagplejer", Role.CHILDMINDER),
        ("Childminder", Role.CHILDMINDER),
    ],
)
def test_role(text: str, expected: Role) -> None:
    assert value(parse_role(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ufaglært", Qualification.UNSKILLED),
        ("Ufaglaert", Qualification.UNSKILLED),
        ("unskilled", Qualification.UNSKILLED),
        ("pædagogisk assistent", Qualification.PEDAGOGICAL_ASSISTANT),
        ("paedagogisk  assistent", Qualification.PEDAGOGICAL_ASSISTANT),
        ("Pædagogisk assistant", Qualification.PEDAGOGICAL_ASSISTANT),
        ("PA", Qualification.PEDAGOGICAL_ASSISTANT),
        ("pedagogical assistant", Qualification.PEDAGOGICAL_ASSISTANT),
        ("Pædagog", Qualification.PEDAGOGUE),
        ("paedagog", Qualification.PEDAGOGUE),
        ("pedagogue", Qualification.PEDAGOGUE),
        ("anden", Qualification.OTHER),
        ("andet", Qualification.OTHER),
        ("Other", Qualification.OTHER),
    ],
)
def test_qualification(text: str, expected: Qualification) -> None:
    assert value(parse_qualification(text)) == expected


def test_unknown_role_lists_choices() -> None:
    assert reason(parse_role("boss")) == (
        '"boss" is not a role. Choose one of: Leader, Deputy leader, Employee, Childminder.'
    )


def test_unknown_qualification_lists_choices_in_danish(danish: None) -> None:
    text = reason(parse_qualification("lærer"))
    assert text.startswith("»lærer« er ikke en uddannelse.")
    assert "Ufaglært, Pædagogisk assistent, Pædagog, Andet" in text


def test_reason_renders_in_the_language_current_when_shown() -> None:
    error = parse_date("31-02-2026").error
    assert error is not None
    with in_danish():
        assert str(error).startswith("Datoen 31. februar 2026 findes ikke.")
    assert str(error).startswith("There is no 31 February 2026.")


def test_echo_neutralises_escape_sequences() -> None:
    assert "\x1b" not in reason(parse_date("\x1b[2J"))


# --- every parser, any text ----------------------------------------------------------

PARSERS: dict[str, Callable[[str], Parsed[Any]]] = {
    "date": parse_date,
    "optional date": lambda t: parse_date(t, required=False),
    "time": parse_time,
    "hours": parse_hours,
    "name": lambda t: parse_name(t, N_("Name")),
    "int": lambda t: parse_int(t, 0, 1000),
    "rating": parse_rating,
    "email": parse_email,
    "phone": parse_phone,
    "role": parse_role,
    "qualification": parse_qualification,
}

# Plain text() rarely hits the shapes the parsers look for; mix in near-misses.
NEAR_MISSES = st.from_regex(
    r"\s*[0-9]{0,5}[-./:, ]?[0-9]{0,5}[-./:, ]?[0-9]{0,5}\s*(t|h|timer)?\s*", fullmatch=True
)
ANY_TEXT = st.one_of(
    st.text(),
    # Surrogates too: a terminal with a broken locale can hand them over via surrogateescape.
    st.text(alphabet=st.characters(exclude_categories=())),
    NEAR_MISSES,
)


@pytest.mark.parametrize("name", list(PARSERS))
@given(text=ANY_TEXT)
def test_any_text_gives_a_value_or_a_reason(name: str, text: str) -> None:
    parsed = PARSERS[name](text)
    assert isinstance(parsed, Parsed)
    if parsed.ok:
        assert parsed.error is None
        return
    assert isinstance(parsed.error, Message)
    assert parsed.value is None
    assert str(parsed.error).strip()
    with in_danish():
        assert str(parsed.error).strip()


# --- the catalogue -------------------------------------------------------------------

_FIELD = re.compile(r"\{(\w*)\}")


def test_danish_catalogue_keeps_placeholders() -> None:
    # A translation that drops or renames a {field} would raise when the message is shown.
    for entry in polib.pofile(str(DOMAIN_PO)):
        if entry.msgstr:
            assert set(_FIELD.findall(entry.msgstr)) == set(_FIELD.findall(entry.msgid)), (
                entry.msgid
            )


def test_danish_catalogue_is_compiled(danish: None) -> None:
    assert str(Message("Pedagogical assistant")) == "Pædagogisk assistent"


def test_a_handwritten_danish_date_is_accepted() -> None:
    import datetime as dt

    from tui.domain.parse import parse_date

    assert parse_date("6/6-2023").value == dt.date(2023, 6, 6)
    assert parse_date("24/11-21").value == dt.date(2021, 11, 24)
    assert parse_date("31/2-2023").error is not None
