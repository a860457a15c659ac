"""Importing the staff list a municipality sends: a CSV file from a spreadsheet.

Such files come from many hands: Excel on Danish Windows saves Windows-1252 with
semicolons, other tools UTF-8 (with or without a BOM) and commas; headers are in Danish
or English. ``plan_import`` reads the file and says what would happen, row by row, and
writes nothing; ``apply_import`` then adds the good rows in one transaction.

Decisions a person should know about:
- A bad row (no name, unknown role or qualification) is reported by the line in the
  file where it starts, header being line 1, so it can be found in an editor even when
  an earlier cell spans several lines.
- A person already registered (the same e-mail address, else the same name and
  institution) is updated with what the row says differently, each change listed in the
  plan first; an empty cell never blanks what is registered. A row repeating an earlier
  row of the same file, or saying nothing new, is a duplicate and changes nothing.
- An institution that is not in the database is made with the import (its kind read from
  its name, e.g. "Vuggestuen ..." a nursery) and listed in the plan; a place that is not
  does not stop the row: the person is imported without it and a warning quotes the name.
- Job and training words are read generously (PAU, pædagogmedhjælper, studerende ...),
  one column standing in for the other when it is missing, and the plan lists how each
  word was read.
- An e-mail address or phone number that does not parse is left out with a warning.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import errno
import io
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from tui.domain.parse import (
    Parsed,
    parse_email,
    parse_name,
    parse_phone,
    parse_qualification,
    parse_role,
)
from tui.domain.people import Person
from tui.domain.places import Institution, InstitutionKind, Place
from tui.domain.records import LabelledEnum
from tui.domain.text import has_controls, printable
from tui.i18n import N_, Message, msg
from tui.store.errors import StoreError
from tui.store.files import UnsafeFile, kind_of, read_regular
from tui.store.ids import new_id
from tui.store.store import Store

E = TypeVar("E")
R = TypeVar("R", Institution, Place)


class ImportFileError(StoreError):
    """The file as a whole cannot be imported (unreadable, not a CSV, empty, no columns)."""


# --- what a plan holds ---------------------------------------------------------------

ENCODING_LABELS: dict[str, str] = {
    "utf-8": N_("UTF-8"),
    "utf-8-sig": N_("UTF-8 with BOM"),
    "cp1252": N_("Windows-1252"),
    "utf-16": N_("UTF-16"),
}
DELIMITER_LABELS: dict[str, str] = {";": N_("semicolon"), ",": N_("comma"), "\t": N_("tab")}

FIELD_LABELS: dict[str, str] = {
    "name": N_("Name"),
    "role": N_("Role"),
    "qualification": N_("Qualification"),
    "institution": N_("Institution"),
    "place": N_("Place"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
}
REQUIRED_FIELDS = ("name", "role", "qualification")
FIELD_LABELS |= {"first_name": N_("First name"), "last_name": N_("Last name")}


@dataclass(frozen=True, slots=True)
class Sentences:
    """Several reasons shown one after another, each a sentence of its own."""

    items: tuple[Message, ...]

    def __str__(self) -> str:
        return " ".join(str(item) for item in self.items)


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int
    person: Person


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    reasons: tuple[Message, ...]

    @property
    def reason(self) -> Message | Sentences:
        return self.reasons[0] if len(self.reasons) == 1 else Sentences(self.reasons)


@dataclass(frozen=True, slots=True)
class DuplicateRow:
    """A row not imported because the person is already there; never merged."""

    line: int
    name: str
    institution: str = ""
    existing_id: str | None = None  # the person already in the database
    first_line: int | None = None  # or the earlier row of this file

    @property
    def reason(self) -> Message:
        if self.first_line is not None:
            return msg("{name} is already on line {line} of this file.",
                       name=self.name, line=self.first_line)
        if self.institution:
            return msg("{name} at {institution} is already registered.",
                       name=self.name, institution=self.institution)
        return msg("{name} (no institution) is already registered.", name=self.name)


@dataclass(frozen=True, slots=True)
class Change:
    field: str  # a key of FIELD_LABELS
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class UpdateRow:
    """A person already registered (same e-mail, else same name and institution) whose
    row in the file says something new: each change is shown before it is made."""

    line: int
    person: Person  # as it will be saved, with the version it was read at
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class Reading:
    """How a word of the file was understood, e.g. "PAU" as pedagogical assistant."""

    field: str
    text: str
    label: str


@dataclass(frozen=True, slots=True)
class RowWarning:
    line: int
    message: Message


@dataclass
class ImportPlan:
    path: Path
    encoding: str  # a key of ENCODING_LABELS
    delimiter: str  # a key of DELIMITER_LABELS
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written
    ignored_columns: list[str] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    duplicates: list[DuplicateRow] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    updates: list[UpdateRow] = field(default_factory=list)
    # Institutions named in the file but not registered: created with the import.
    new_institutions: list[Institution] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    # Updates apply_import left out: someone changed the person after the file was read.
    stale: list[UpdateRow] = field(default_factory=list)

    @property
    def people(self) -> list[Person]:
        return [row.person for row in self.rows]

    @property
    def rows_read(self) -> int:
        return len(self.rows) + len(self.bad_rows) + len(self.duplicates) + len(self.updates)

    @property
    def has_work(self) -> bool:
        return bool(self.rows or self.updates)

    @property
    def encoding_label(self) -> Message:
        return msg(ENCODING_LABELS[self.encoding])

    @property
    def delimiter_label(self) -> Message:
        return msg(DELIMITER_LABELS[self.delimiter])


# --- headers -------------------------------------------------------------------------

_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("navn", "name", "fuldtnavn", "fullname"),
    "first_name": ("fornavn", "fornavne", "firstname", "givenname"),
    "last_name": ("efternavn", "lastname", "surname", "familyname"),
    "role": ("rolle", "role", "stilling", "funktion", "position"),
    "qualification": ("uddannelse", "kvalifikation", "qualification", "education"),
    "institution": ("institution", "dagtilbud", "daycare", "arbejdssted", "workplace"),
    "place": ("sted", "place", "by", "town", "bygd", "settlement"),
    "email": ("email", "mail", "emailadresse", "emailaddress"),
    "phone": (
        "telefon", "tlf", "phone", "telefonnummer", "telefonnr", "tlfnr", "mobil",
        "mobile", "phonenumber",
    ),
}
_NOT_WORD = re.compile(r"[\W_]+")


def _header_key(text: str) -> str:
    # "E-mail", "e mail" and "EMAIL" are one column; so are "Tlf." and "tlf".
    return _NOT_WORD.sub("", unicodedata.normalize("NFC", text).casefold())


_HEADER_FIELDS: dict[str, str] = {
    _header_key(alias): name for name, aliases in _ALIASES.items() for alias in aliases
}


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


# --- reading the file ----------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_ZIP_MAGIC = b"PK\x03\x04"


def _not_a_file(path: Path) -> Message:
    """Why a named pipe, device or folder is refused, naming it (read_regular said so)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = 0
    if stat.S_ISDIR(mode):
        return msg("{path} is a folder, not a file.", path=str(path))
    return msg("{path} is {kind}, not a regular file, so it cannot be imported. Save the "
               "staff list as a CSV file and import that.", path=str(path), kind=kind_of(mode))


def _read_text(path: Path) -> tuple[str, str]:
    try:
        # A staff list linked from elsewhere is the user's own choice: follow links here,
        # then read only a regular file, without blocking (a named pipe would hang forever).
        found = read_regular(path.resolve())
    except UnsafeFile:
        raise ImportFileError(_not_a_file(path)) from None
    except OSError as error:
        raise ImportFileError(
            msg("Cannot read {path}: {reason}.", path=str(path),
                reason=error.strerror or str(error))
        ) from None
    if found is None:
        raise ImportFileError(msg("Cannot read {path}: {reason}.", path=str(path),
                                  reason=os.strerror(errno.ENOENT)))
    data, _status = found
    if data.startswith(_ZIP_MAGIC):
        raise ImportFileError(
            msg("{path} is a spreadsheet workbook, not a CSV file. Save it as CSV "
                "(comma or semicolon separated) and import that.", path=str(path))
        )
    text, encoding = _decode(data, path)
    if "\x00" in text:
        raise ImportFileError(_not_text(path))
    if not text.strip():
        raise ImportFileError(msg("{path} is empty.", path=str(path)))
    return text, encoding


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).removeprefix("\ufeff"), encoding
            except UnicodeDecodeError:
                raise ImportFileError(_not_text(path)) from None
    # Strict UTF-8 first: Windows-1252 decodes almost any bytes, so it can only be the
    # fallback; valid UTF-8 with æøå is practically never meant as Windows-1252.
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise ImportFileError(_not_text(path)) from None


def _not_text(path: Path) -> Message:
    return msg("{path} is not a text file, so it cannot be a CSV file. Save the list "
               "as CSV and import that.", path=str(path))


def _sniff_delimiter(text: str) -> str:
    """The separator used most in the header line, quoted text aside."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = dict.fromkeys(DELIMITER_LABELS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rows(text: str, delimiter: str, path: Path) -> Iterable[tuple[int, list[str]]]:
    """Each row with the physical line it starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for row in reader:
            yield line, row
            line = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(
            msg("{path}, line {line}: the file is not valid CSV ({problem}).",
                path=str(path), line=line, problem=str(error))
        ) from None


# --- planning ------------------------------------------------------------------------


def _people_key(name: str, institution_id: str | None) -> tuple[str, str | None]:
    return _fold(name), institution_id


def _index(records: Iterable[R]) -> dict[str, list[R]]:
    index: dict[str, list[R]] = {}
    for record in records:
        index.setdefault(_fold(record.name), []).append(record)
    return index


def plan_import(store: Store, path: Path) -> ImportPlan:
    """What importing ``path`` would do. Reads only; raises ImportFileError when the file
    as a whole cannot be used."""
    path = Path(path)
    text, encoding = _read_text(path)
    delimiter = _sniff_delimiter(text)
    rows = iter(_rows(text, delimiter, path))
    header: list[str] = []
    for _line, cells in rows:
        if any(cell.strip() for cell in cells):
            # A heading is shown back to the user: no escape sequence may reach the screen.
            header = [printable(cell) for cell in cells]
            break
    plan = ImportPlan(path=path, encoding=encoding, delimiter=delimiter)
    positions: dict[str, int] = {}
    for position, heading in enumerate(header):
        found = _HEADER_FIELDS.get(_header_key(heading))
        if found and found not in positions:
            positions[found] = position
            plan.columns[found] = heading.strip()
        elif heading.strip():
            plan.ignored_columns.append(heading.strip())
    missing = [name for name in REQUIRED_FIELDS if name not in positions
               and not (name == "name" and "first_name" in positions)
               # One word often says both, e.g. "pædagogmedhjælper" in a job column.
               and not (name == "qualification" and "role" in positions)]
    if missing:
        raise ImportFileError(
            msg(
                "{path} has no column for {missing}. Columns found: {found} "
                "(separated by {delimiter}).",
                path=str(path),
                missing=_Labels(tuple(missing)),
                found=", ".join(f'"{h.strip()}"' for h in header if h.strip()) or "-",
                delimiter=msg(DELIMITER_LABELS[delimiter]),
            )
        )

    institutions = store.institutions.all()
    by_institution = _index(institutions)
    institution_names = {i.id: i.name for i in institutions}
    by_place = _index(store.places.all())
    people = store.people.all()
    existing = {_people_key(p.name, p.institution_id): p for p in people}
    by_email = {p.email.casefold(): p for p in people if p.email}
    earlier: dict[tuple[str, str | None, str], int] = {}
    created: dict[str, Institution] = {}
    seen_readings: set[tuple[str, str]] = set()

    def read_as(field_name: str, text: str, member: LabelledEnum) -> None:
        key = (field_name, _fold(text))
        if text and key not in seen_readings:
            seen_readings.add(key)
            plan.readings.append(Reading(field_name, text, str(member.label)))

    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue  # spreadsheets export trailing empty rows

        cleaned: list[str] = []

        def cell(name: str, cells: list[str] = cells, cleaned: list[str] = cleaned) -> str:
            at = positions.get(name)
            if at is None or at >= len(cells):
                return ""
            text = unicodedata.normalize("NFC", cells[at])
            if has_controls(text):
                # Line breaks and tabs are only space; escape codes and other controls are
                # never part of a name, and in the database they would drive the terminal
                # of whoever lists the people, and every export.
                safe = printable(text, multiline=True)
                if safe != text.replace("\r\n", "\n"):
                    cleaned.append(name)
                text = safe
            return text.strip()

        reasons: list[Message] = []
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            reasons.append(
                msg("The row has {count} fields but the header has {columns}; is there an "
                    "unquoted {delimiter} in a value?", count=len(cells), columns=len(header),
                    delimiter=msg(DELIMITER_LABELS[delimiter]))
            )
        full_name = cell("name") or " ".join(
            part for part in (cell("first_name"), cell("last_name")) if part)
        name = parse_name(full_name, FIELD_LABELS["name"])
        if name.error:
            reasons.append(name.error)
        role_text, qualification_text = cell("role"), cell("qualification")
        # A job title such as "pædagogmedhjælper" also says the training, and a training
        # such as "pædagog" the job, when the other column is missing or empty.
        if not qualification_text and parse_qualification(role_text).value is not None:
            qualification_text = role_text
        if not role_text and parse_role(qualification_text).value is not None:
            role_text = qualification_text
        role = _choice(role_text, "role", parse_role, reasons)
        qualification = _choice(qualification_text, "qualification",
                                parse_qualification, reasons)
        if reasons or name.value is None or role is None or qualification is None:
            plan.bad_rows.append(BadRow(line, tuple(reasons)))
            continue
        read_as("role", role_text, role)
        read_as("qualification", qualification_text, qualification)

        warnings: list[Message] = []
        institution, place_id = _link(cell("institution"), cell("place"), by_institution,
                                      by_place, warnings, created)
        if (institution is not None and institution.id not in institution_names
                and institution not in plan.new_institutions):
            plan.new_institutions.append(institution)
        institution_id = institution.id if institution else None
        email = parse_email(cell("email"))
        phone = parse_phone(cell("phone"))
        for parsed in (email, phone):
            if parsed.error:
                warnings.append(msg("{problem} The person is imported without it.",
                                    problem=parsed.error))
        key = _people_key(name.value, institution_id)
        # Unknown institutions are told apart by the text in the file within the file.
        file_key = (*key, "" if institution else _fold(cell("institution")))
        if file_key in earlier:
            plan.duplicates.append(DuplicateRow(line, name.value, first_line=earlier[file_key]))
            continue
        earlier[file_key] = line
        person = Person(
            name=name.value,
            role=role,
            qualification=qualification,
            institution_id=institution_id,
            place_id=place_id,
            email=email.value or "",
            phone=phone.value or "",
        )
        if cleaned:
            warnings.append(msg("Control characters (such as terminal escape codes) were "
                                "removed from the text."))
        found = by_email.get(person.email.casefold()) if person.email else None
        found = found or existing.get(key)
        if found is not None:
            changes = _changes(found, person, institution_names, plan.new_institutions)
            if changes:
                plan.updates.append(UpdateRow(line, _updated(found, person), changes))
            else:
                plan.duplicates.append(DuplicateRow(
                    line, name.value, institution_names.get(found.institution_id or "", ""),
                    existing_id=found.id))
            plan.warnings += [RowWarning(line, warning) for warning in warnings]
            continue
        plan.rows.append(ImportRow(line, person))
        plan.warnings += [RowWarning(line, warning) for warning in warnings]
    return plan


def change_text(update: UpdateRow) -> str:
    """"Karen Berg: Qualification Unskilled → Pedagogue", for the preview."""
    return f"{update.person.name}: " + "; ".join(
        f"{msg(FIELD_LABELS[c.field])} {c.old or '–'} → {c.new}" for c in update.changes)


# Only what the file says is changed: an empty cell never blanks what is registered.
_UPDATABLE = ("name", "role", "qualification", "institution_id", "place_id", "email", "phone")


def _updated(found: Person, person: Person) -> Person:
    values = {f: getattr(person, f) for f in _UPDATABLE if getattr(person, f)}
    if _fold(person.name) == _fold(found.name):
        values.pop("name")
    return dataclasses.replace(found, **values)


def _changes(found: Person, person: Person, institution_names: dict[str, str],
             new_institutions: list[Institution]) -> tuple[Change, ...]:
    names = institution_names | {i.id: i.name for i in new_institutions}

    def shown(field_name: str, value: object) -> str:
        if value is None or value == "":
            return ""
        if field_name == "institution_id":
            return names.get(str(value), str(value))
        label = getattr(value, "label", None)
        return str(label) if label is not None else str(value)

    changes: list[Change] = []
    for f in _UPDATABLE:
        new, old = getattr(person, f), getattr(found, f)
        if f == "name" and _fold(new) == _fold(old):
            continue  # "åse HØJGAARD" is how the file spells the registered Åse Højgaard
        if new and new != old and f != "place_id":
            field_name = "institution" if f == "institution_id" else f
            changes.append(Change(field_name, shown(f, old), shown(f, new)))
    return tuple(changes)


@dataclass(frozen=True, slots=True)
class _Labels:
    """Field labels joined, rendered in the language current when shown."""

    names: tuple[str, ...]

    def __str__(self) -> str:
        return ", ".join(str(msg(FIELD_LABELS[name])) for name in self.names)


def _choice(
    text: str,
    field_name: str,
    parser: Callable[[str], Parsed[E]],
    reasons: list[Message],
) -> E | None:
    if not text:
        reasons.append(msg("{field} is required.", field=msg(FIELD_LABELS[field_name])))
        return None
    parsed = parser(text)
    if parsed.error:
        reasons.append(parsed.error)
    return parsed.value


def _link(
    institution_text: str,
    place_text: str,
    by_institution: dict[str, list[Institution]],
    by_place: dict[str, list[Place]],
    warnings: list[Message],
    created: dict[str, Institution],
) -> tuple[Institution | None, str | None]:
    """The institution and place named in a row, matched by name; an institution not
    registered is made (``created``, one per name) and shown in the preview."""
    places: list[Place] = by_place.get(_fold(place_text), []) if place_text else []
    candidates: list[Institution] = (
        by_institution.get(_fold(institution_text), []) if institution_text else []
    )
    if institution_text and not candidates:
        if _fold(institution_text) not in created:
            created[_fold(institution_text)] = Institution(
                id=new_id(), name=" ".join(institution_text.split()),
                kind=_kind_from_name(institution_text),
                place_id=places[0].id if len(places) == 1 else None)
        candidates = [created[_fold(institution_text)]]
    if len(candidates) > 1 and places:
        # Two daycares may share a name in different towns; the place column decides.
        place_ids = {p.id for p in places}
        candidates = [i for i in candidates if i.place_id in place_ids] or candidates
    institution = candidates[0] if len(candidates) == 1 else None
    if len(candidates) > 1:
        warnings.append(msg('There are {count} institutions named "{name}"; the person is '
                            "imported without one.", count=len(candidates),
                            name=institution_text))
    if len(places) > 1 and institution is not None:
        places = [p for p in places if p.id == institution.place_id] or places
    if place_text and not places:
        warnings.append(msg('The place "{name}" is not in the database; the person is '
                            "imported without one.", name=place_text))
    elif len(places) > 1:
        warnings.append(msg('There are {count} places named "{name}"; the person is '
                            "imported without one.", count=len(places), name=place_text))
    if len(places) == 1:
        return institution, places[0].id
    # No place column: the person works where their institution is.
    if not place_text and institution is not None:
        return institution, institution.place_id
    return institution, None


_KIND_WORDS = (("vuggestue", InstitutionKind.NURSERY), ("børnehave", InstitutionKind.KINDERGARTEN),
               ("dagpleje", InstitutionKind.CHILDMINDING))


def _kind_from_name(name: str) -> InstitutionKind:
    """"Vuggestuen Måge" is a nursery; a name that says nothing is taken as integrated
    (the commonest kind), which the preview shows and a person can correct."""
    folded = _fold(name)
    return next((kind for word, kind in _KIND_WORDS if word in folded),
                InstitutionKind.INTEGRATED)


# --- applying ------------------------------------------------------------------------


def apply_import(store: Store, plan: ImportPlan) -> int:
    """Make the plan's institutions, add its new people and save its updates, in one
    transaction; returns how many people were added.

    The plan was made without the lock, so another user may have added some of the same
    people since; those are checked again under the lock and left out, not doubled. An
    update of a person someone else changed meanwhile is left out too (``plan.stale``).
    """
    plan.stale = []
    if not plan.has_work:
        return 0
    with store.transaction():
        existing = {_people_key(p.name, p.institution_id) for p in store.people.all()}
        fresh = [
            person for person in plan.people
            if _people_key(person.name, person.institution_id) not in existing
        ]
        used = {p.institution_id for p in fresh} | {
            u.person.institution_id for u in plan.updates}
        known = {i.id for i in store.institutions.all()}
        for institution in plan.new_institutions:
            if institution.id in used and institution.id not in known:
                store.institutions.add(institution)
        if fresh:
            store.people.add_many(fresh)
        for update in plan.updates:
            current = store.people.find(update.person.id)
            if current is None or current.version != update.person.version:
                plan.stale.append(update)
                continue
            store.people.save(update.person, expected_version=update.person.version)
    return len(fresh)
