"""Parsers for what people type into forms: each returns a value or a reason, never raises.

A form field calls one of these on every keystroke or on leaving the field, so they must
cope with anything a terminal can deliver (pasted control characters, other scripts,
absurdly long input) and explain a rejection in words the user can act on.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from tui.domain.people import Qualification, Role
from tui.domain.records import LabelledEnum
from tui.i18n import N_, Message, _, language, msg

T = TypeVar("T")
E = TypeVar("E", bound=Enum)


@dataclass(frozen=True, slots=True)
class Parsed(Generic[T]):
    """Either ``value`` (which may be None for an optional field left empty) or ``error``."""

    value: T | None = None
    error: Message | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _ok(value: T | None) -> Parsed[T]:
    return Parsed(value=value)


def _fail(error: Message) -> Parsed[Any]:
    return Parsed(error=error)


# --- lazily rendered message parameters ----------------------------------------------
# Message params are formatted when the message is shown, which may be after the user
# has switched language; these render in whatever language is current at that moment.


@dataclass(frozen=True, slots=True)
class HoursText:
    """A number of hours shown with the current language's decimal mark."""

    value: float

    def __str__(self) -> str:
        return format_hours(self.value)


@dataclass(frozen=True, slots=True)
class JoinedText:
    """Several messages shown as one comma-separated list."""

    items: tuple[Message, ...]

    def __str__(self) -> str:
        return ", ".join(str(item) for item in self.items)


def label_of(member: LabelledEnum) -> Message:
    """The member's label as a Message, so it translates when shown rather than now."""
    return msg(type(member)._labels()[member])


def labels_of(members: Iterable[LabelledEnum]) -> JoinedText:
    return JoinedText(tuple(label_of(m) for m in members))


def format_number(value: float, decimals: int = 0) -> str:
    """Thousands grouped and decimals marked as the UI language writes them:
    222.000,50 in Danish, 222,000.50 in English."""
    text = f"{value:,.{decimals}f}"
    if language() == "da":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_hours(hours: float) -> str:
    text = f"{round(hours, 2):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if language() == "da" else text


# --- dates ---------------------------------------------------------------------------

DATE_EXAMPLE = "24-11-2026"
MIN_YEAR = 1900
MAX_YEAR = 2100

_MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)

_WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)

_WEEKDAYS_SHORT = (
    N_("Mon"),
    N_("Tue"),
    N_("Wed"),
    N_("Thu"),
    N_("Fri"),
    N_("Sat"),
    N_("Sun"),
)

# re.ASCII: \d must not accept other scripts' digits, which int() would silently take.
_DANISH_DATE = re.compile(r"(\d{1,2})([-./])(\d{1,2})\2(\d{4}|\d{2})", re.ASCII)
# "6/6-2023": the way dates are handwritten on Danish forms and sign-in sheets.
_HANDWRITTEN_DATE = re.compile(r"(\d{1,2})(/)(\d{1,2})-(\d{4}|\d{2})", re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)


def format_date(d: dt.date) -> str:
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def format_moment(stamp: str | None) -> str:
    """A stored UTC time as the people here read it: local time, 03-03-2026 14:05."""
    try:
        at = dt.datetime.fromisoformat(stamp or "").astimezone()
    except (TypeError, ValueError):
        return "?"
    return f"{format_date(at)} {at:%H:%M}"


def weekday_name(d: dt.date, *, short: bool = False) -> str:
    table = _WEEKDAYS_SHORT if short else _WEEKDAYS
    return _(table[d.weekday()])


def month_name(month: int) -> Message:
    return msg(_MONTHS[month - 1])


def parse_date(text: str, *, required: bool = True) -> Parsed[dt.date]:
    text = text.strip()
    if not text:
        if required:
            return _fail(msg("Enter a date, for example {example}.", example=DATE_EXAMPLE))
        return _ok(None)
    if m := _DANISH_DATE.fullmatch(text) or _HANDWRITTEN_DATE.fullmatch(text):
        day, month, year_text = int(m[1]), int(m[3]), m[4]
        # Two-digit years are always this century: nobody plans a course for 1926.
        year = 2000 + int(year_text) if len(year_text) == 2 else int(year_text)
    elif m := _ISO_DATE.fullmatch(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    else:
        return _fail(
            msg(
                '"{text}" is not a date. Write day-month-year, for example {example}.',
                text=_echo(text),
                example=DATE_EXAMPLE,
            )
        )
    if not 1 <= month <= 12:
        return _fail(
            msg(
                "There is no month {month}; months are numbered 1 to 12, for example {example}.",
                month=month,
                example=DATE_EXAMPLE,
            )
        )
    if not MIN_YEAR <= year <= MAX_YEAR:
        return _fail(
            msg(
                "The year {year} is out of range; use a year from {first} to {last}.",
                year=year,
                first=MIN_YEAR,
                last=MAX_YEAR,
            )
        )
    try:
        return _ok(dt.date(year, month, day))
    except ValueError:
        return _fail(
            msg(
                "There is no {day} {month} {year}. Check the day, for example {example}.",
                day=day,
                month=month_name(month),
                year=year,
                example=DATE_EXAMPLE,
            )
        )


# --- times and hours -----------------------------------------------------------------

TIME_EXAMPLE = "09:00"
_TIME_SEPARATED = re.compile(r"(\d{1,2})[:.](\d{2})", re.ASCII)
_TIME_DIGITS = re.compile(r"\d{1,4}", re.ASCII)
# Danish timetables write "kl. 9.00"; accept it as typed from a printed plan.
_CLOCK_PREFIX = re.compile(r"kl\.?\s*", re.IGNORECASE)


def format_time(t: dt.time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def parse_time(text: str, *, required: bool = True) -> Parsed[dt.time]:
    text = _CLOCK_PREFIX.sub("", text.strip(), count=1).strip()
    if not text:
        if required:
            return _fail(msg("Enter a time, for example {example}.", example=TIME_EXAMPLE))
        return _ok(None)
    if m := _TIME_SEPARATED.fullmatch(text):
        hour, minute = int(m[1]), int(m[2])
    elif _TIME_DIGITS.fullmatch(text):
        # 1-2 digits are an hour; 3-4 digits are hours and minutes (930, 0930).
        if len(text) <= 2:
            hour, minute = int(text), 0
        else:
            hour, minute = int(text[:-2]), int(text[-2:])
    else:
        return _fail(
            msg(
                '"{text}" is not a time. Write hours and minutes, for example {example}.',
                text=_echo(text),
                example=TIME_EXAMPLE,
            )
        )
    if hour > 23:
        return _fail(
            msg(
                "There is no hour {hour}; the day runs from 00:00 to 23:59.",
                hour=hour,
            )
        )
    if minute > 59:
        return _fail(
            msg(
                "An hour has 60 minutes, so {minute} minutes is too many; for example {example}.",
                minute=minute,
                example=TIME_EXAMPLE,
            )
        )
    return _ok(dt.time(hour, minute))


_HOURS = re.compile(
    r"(\d{1,6})(?:[.,](\d+))?\s*(?:h|t|timer|time|hours|hour)?", re.ASCII | re.IGNORECASE
)


def parse_hours(text: str, maximum: float = 24.0, *, required: bool = True) -> Parsed[float]:
    text = text.strip()
    if not text:
        if required:
            return _fail(msg("Enter a number of hours, for example 7,4."))
        return _ok(None)
    if text[0] in ".,":
        text = "0" + text  # ",5" is half an hour
    m = _HOURS.fullmatch(text)
    if not m:
        return _fail(
            msg(
                '"{text}" is not a number of hours. Write for example 7,4 or 7.4.',
                text=_echo(text),
            )
        )
    decimals = m[2] or ""
    if len(decimals) > 2:
        return _fail(msg("Use at most two decimals for hours, for example 7,4 or 3,25."))
    hours = round(int(m[1]) + (int(decimals) / 10 ** len(decimals) if decimals else 0.0), 2)
    if hours <= 0:
        return _fail(msg("The number of hours must be more than 0."))
    if hours > maximum:
        return _fail(
            msg(
                "{hours} hours is more than the {maximum} hours allowed here.",
                hours=HoursText(hours),
                maximum=HoursText(maximum),
            )
        )
    return _ok(hours)


# --- names and free text -------------------------------------------------------------

NAME_MAX_LENGTH = 200
# Zero-width (non-)joiners are format characters that some scripts need inside words.
_ALLOWED_FORMAT_CHARS = frozenset("\u200c\u200d")


def _bad_character(text: str) -> str | None:
    """The first character that would corrupt a terminal line or a stored record."""
    for char in text:
        if unicodedata.category(char)[0] == "C" and char not in _ALLOWED_FORMAT_CHARS:
            return char
    return None


def _echo(text: str, limit: int = 30) -> str:
    """User input shown back safely: escape sequences could otherwise redraw the screen.

    The quotes belong in the msgid, since Danish quotes »like this«.
    """
    shown = "".join("\ufffd" if _bad_character(c) else c for c in text)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return shown


def _as_message(label: Message | str) -> Message:
    return label if isinstance(label, Message) else msg(label)


def parse_name(
    text: str, label: Message | str, *, max_length: int = NAME_MAX_LENGTH
) -> Parsed[str]:
    """A required one-line name: whitespace collapsed, NFC so "æ" is always one character.

    ``label`` names the field in the reason; pass an N_()-marked string or a Message.
    """
    field_label = _as_message(label)
    # NFC first: a decomposed "å" from a Mac paste must match the same name typed here.
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not name:
        return _fail(msg("{field} is required.", field=field_label))
    if bad := _bad_character(name):
        return _fail(
            msg(
                "{field} contains an invisible control character ({code}); remove it.",
                field=field_label,
                code=f"U+{ord(bad):04X}",
            )
        )
    if len(name) > max_length:
        return _fail(
            msg(
                "{field} is too long: {length} characters, at most {maximum}.",
                field=field_label,
                length=len(name),
                maximum=max_length,
            )
        )
    return _ok(name)


# --- numbers -------------------------------------------------------------------------

# Python refuses int() of more than 4300 digits; no count here needs more than 18.
_INT = re.compile(r"[-+−]?\d{1,18}", re.ASCII)
_GROUPED_INT = re.compile(r"[-+−]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+", re.ASCII)


def parse_int(
    text: str,
    minimum: int = 0,
    maximum: int | None = None,
    *,
    required: bool = True,
) -> Parsed[int]:
    """A whole number such as a target number of participants or pages of reading.

    Groups of thousands may be separated by spaces ("1 000"); dots are refused because
    "1.000" means a thousand in Danish and one in English.
    """
    text = text.strip()
    if not text:
        if required:
            return _fail(msg("Enter a whole number."))
        return _ok(None)
    if _GROUPED_INT.fullmatch(text):
        text = re.sub(r"[ \u00a0\u202f]", "", text)
    if not _INT.fullmatch(text):
        return _fail(
            msg(
                '"{text}" is not a whole number. Write digits only, for example 25.',
                text=_echo(text),
            )
        )
    value = int(text.replace("−", "-"))
    if value < minimum:
        return _fail(msg("The number must be at least {minimum}.", minimum=minimum))
    if maximum is not None and value > maximum:
        return _fail(msg("The number must be at most {maximum}.", maximum=maximum))
    return _ok(value)


RATING_MIN = 1
RATING_MAX = 5


def parse_rating(text: str, *, required: bool = True) -> Parsed[int]:
    parsed = parse_int(text, RATING_MIN, RATING_MAX, required=required)
    if parsed.ok:
        return parsed
    return _fail(
        msg(
            "Give a rating from {minimum} to {maximum}, where {maximum} is best.",
            minimum=RATING_MIN,
            maximum=RATING_MAX,
        )
    )


# --- contact details -----------------------------------------------------------------

EMAIL_MAX_LENGTH = 254
_EMAIL = re.compile(r"[^@\s]+@[^@\s.][^@\s]*\.[^@\s.]+")
_PHONE = re.compile(r"\+?[0-9 ()\-]+", re.ASCII)


def parse_email(text: str) -> Parsed[str]:
    """Loose on purpose: a typo check, not RFC 5322. Empty means no e-mail address."""
    text = text.strip()
    if not text:
        return _ok("")
    if len(text) > EMAIL_MAX_LENGTH or _bad_character(text) or not _EMAIL.fullmatch(text):
        return _fail(
            msg(
                '"{text}" does not look like an e-mail address, for example name@example.gl.',
                text=_echo(text),
            )
        )
    return _ok(text)


def parse_phone(text: str) -> Parsed[str]:
    """Greenlandic numbers have 6 digits and Danish 8; accept any plausible layout."""
    text = " ".join(text.split())
    if not text:
        return _ok("")
    digits = sum(c.isdigit() for c in text)
    if not _PHONE.fullmatch(text) or not 3 <= digits <= 20:
        return _fail(
            msg(
                '"{text}" is not a phone number. Use digits, spaces, +, - and brackets, '
                "for example +299 32 10 00.",
                text=_echo(text),
            )
        )
    return _ok(text)


# --- enum values typed by people -----------------------------------------------------

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "-": " ", "_": " ", ".": ""})


def _fold(text: str) -> str:
    """Case, spacing and æ/ae, ø/oe, å/aa spelling stop mattering once folded."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().translate(_FOLD).split())


def _alias_table(aliases: dict[E, tuple[str, ...]]) -> dict[str, E]:
    table: dict[str, E] = {}
    for member, words in aliases.items():
        for word in (*words, str(member.value)):
            table[_fold(word)] = member
    return table


_ROLES: dict[str, Role] = _alias_table(
    {
        Role.LEADER: ("leder", "daglig leder", "leader", "manager"),
        Role.DEPUTY: (
            "souschef",
            "sous chef",
            "stedfortræder",
            "deputy",
            "deputy leader",
            "deputy manager",
        ),
        # Staff lists name the job by its training: every such word is an employee.
        Role.EMPLOYEE: ("medarbejder", "ansat", "personale", "employee", "staff",
                        "pædagog", "pædagogmedhjælper", "medhjælper", "pædagogisk assistent",
                        "pau", "assistent", "studerende", "pædagogstuderende", "vikar"),
        Role.CHILDMINDER: ("dagplejer", "childminder", "child minder", "dagplejemor",
                           "dagplejefar", "dagplejepædagog"),
    }
)

_QUALIFICATIONS: dict[str, Qualification] = _alias_table(
    {
        Qualification.UNSKILLED: ("ufaglært", "unskilled", "uuddannet", "ingen",
                                  "pædagogmedhjælper", "medhjælper", "pædagogisk medhjælper"),
        Qualification.PEDAGOGICAL_ASSISTANT: (
            "pædagogisk assistent",
            "pædagogisk assistant",
            "pa",
            "pau",
            "pædagogisk assistentuddannelse",
            "pedagogical assistant",
        ),
        Qualification.PEDAGOGUE: ("pædagog", "pedagogue", "uddannet pædagog",
                                  "pædagoguddannet", "dagplejepædagog"),
        Qualification.OTHER: ("anden", "andet", "other", "studerende", "pædagogstuderende"),
    }
)


def _parse_choice(text: str, table: dict[str, E], members: Iterable[E], unknown: str) -> Parsed[E]:
    if (member := table.get(_fold(text))) is not None:
        return _ok(member)
    return _fail(msg(unknown, text=_echo(text.strip()), choices=labels_of(members)))


def parse_role(text: str) -> Parsed[Role]:
    return _parse_choice(
        text, _ROLES, Role, N_('"{text}" is not a role. Choose one of: {choices}.')
    )


def parse_qualification(text: str) -> Parsed[Qualification]:
    return _parse_choice(
        text,
        _QUALIFICATIONS,
        Qualification,
        N_('"{text}" is not a qualification. Choose one of: {choices}.'),
    )


_RANGE = re.compile(r"\s*(\d{1,7})\s*(?:[-–—]|to|til)\s*(\d{1,7})\s*", re.ASCII | re.I)


def parse_target(text: str) -> Parsed[tuple[int | None, int | None]]:
    """A target number of participants: "60" or a range "60-70" (also "60–70", "60 til 70")."""
    if not text.strip():
        return _ok((None, None))
    if (found := _RANGE.fullmatch(text)) is not None:
        low, high = int(found[1]), int(found[2])
        if high < low:
            return _fail(msg("The range must go from the smaller number to the larger, "
                             "for example {low}-{high}.", low=high, high=low))
        return _ok((low, high))
    single = parse_int(text, 0, 9_999_999)
    if single.error:
        return _fail(msg('"{text}" is not a target. Write a number, or a range such as '
                         "60-70.", text=_echo(text.strip())))
    return _ok((single.value, None))
