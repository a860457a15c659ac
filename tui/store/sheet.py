"""A printable sign-in sheet (fremmødeliste) for one session, as PDF.

Trainers in settlements often have no network on the day; they print the sheet before
leaving, collect signatures on paper and enter the marks afterwards. The rows are in
the attendance grid's order so the marks can be typed straight down the column.

Names are printed in their own letters with a font shipped by a Python package (Noto
Sans); a character even that font lacks is reduced to its base letter, or "?". After
the enrolled come blank rows for walk-ins, and every row has a column for the hours of
someone who came late or left early.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path

import fontpkg
from fpdf import FPDF

from tui.domain.attendance import expected, ordered_enrolments
from tui.domain.courses import Course, Session, SessionStatus
from tui.domain.parse import format_date, format_hours, format_time, weekday_name
from tui.domain.places import distinct_names
from tui.domain.rules import session_hours
from tui.domain.text import printable
from tui.i18n import _
from tui.store.outputs import check_output, write_private
from tui.store.store import Store

# Names are printed in their own letters (ĸ, Ĉ, ő ...), which the PDF core fonts cannot
# draw: the sheet embeds Noto Sans from the fontpkg-noto-sans package (only the glyphs
# used go into the file). Its default instance is the regular weight; instancing a bold
# one takes seconds, so headings stand out by size instead.
_FONT = "noto"
_FONT_FAMILY = "Noto Sans"

_MARGIN = 15.0
_ROW_HEIGHT = 11.0
# Room kept at the bottom of each page for the trainer's signature line.
_FOOTER_ROOM = 30.0
# Column widths in mm for number, name, institution, hours, signature (A4 minus margins).
_COLUMNS = (9.0, 52.0, 63.0, 14.0, 42.0)
# Blank rows after the enrolled, for people who turn up without being on the list.
WALK_IN_ROWS = 5


@dataclass(frozen=True, slots=True)
class SheetRow:
    name: str
    institution: str


@dataclass(frozen=True, slots=True)
class SheetData:
    course_name: str
    date_line: str
    time_line: str
    place_line: str
    trainers: str
    status_note: str
    rows: tuple[SheetRow, ...]
    walk_in_rows: int = WALK_IN_ROWS


def collect(store: Store, course_id: str, session_id: str) -> SheetData:
    """What the sheet shows, read from the store (raises RecordNotFound if missing)."""
    course = store.courses.get(course_id)
    session = store.sessions(course_id).get(session_id)
    # A sheet may be printed before a postponement is settled, so the session's own
    # status does not empty the list; the status is printed on the sheet instead.
    as_held = dataclasses.replace(session, status=SessionStatus.PLANNED)
    wanted = [e for e in store.enrolments(course_id).all() if expected(e, as_held)]
    people = {e.person_id: store.people.find(e.person_id) for e in wanted}
    names = {pid: p.name for pid, p in people.items() if p is not None}
    institutions: dict[str, str] = {}
    rows = []
    for enrolment in ordered_enrolments(wanted, names):
        person = people[enrolment.person_id]
        institution = ""
        if person is not None and person.institution_id:
            iid = person.institution_id
            if iid not in institutions:
                found = store.institutions.find(iid)
                institutions[iid] = found.name if found else ""
            institution = institutions[iid]
        rows.append(SheetRow(names.get(enrolment.person_id, enrolment.person_id), institution))
    return SheetData(
        course_name=course.name,
        date_line=f"{weekday_name(session.date)} {format_date(session.date)}",
        time_line=_time_line(session),
        place_line=_place_line(store, course, session),
        trainers=", ".join(course.trainers) or course.provider,
        status_note=(
            session.status.label
            if session.status in (SessionStatus.POSTPONED, SessionStatus.CANCELLED)
            else ""
        ),
        rows=tuple(rows),
    )


def _time_line(session: Session) -> str:
    parts = []
    if session.start and session.end:
        parts.append(f"{format_time(session.start)}–{format_time(session.end)}")
    elif session.start:
        parts.append(format_time(session.start))
    hours = session_hours(session)
    if hours is not None:
        parts.append(_("({hours} hours)").format(hours=format_hours(hours)))
    return " ".join(parts)


def _place_line(store: Store, course: Course, session: Session) -> str:
    place_id = session.place_id or course.place_id
    # Named among all places so a namesake settlement carries its municipality.
    place = distinct_names(store.places.all()).get(place_id or "", "")
    venue = session.venue or course.venue
    return ", ".join(part for part in (venue, place) if part)


# --- rendering -----------------------------------------------------------------------


def pdf_text(text: str, covered: Container[int] | None = None) -> str:
    """``text`` on one line, each character the font lacks (``covered``: the code points
    it has) reduced to its base letter, else "?"."""
    text = printable(text)  # an escape sequence goes whole, not as "[2J"
    out = []
    for char in text:
        if unicodedata.category(char)[0] == "C":
            out.append(" ")
            continue
        if covered is None or ord(char) in covered:
            out.append(char)
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(base if base and all(ord(c) in covered for c in base) else "?")
    return "".join(out)


class _SheetPDF(FPDF):
    def __init__(self, data: SheetData) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.data = data
        self.add_font(_FONT, "", fontpkg.path(_FONT_FAMILY))
        self.covered: Container[int] = self.fonts[_FONT].cmap
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(auto=True, margin=_FOOTER_ROOM)

    def text_of(self, text: str) -> str:
        return pdf_text(text, self.covered)

    def fitted(self, text: str, width: float) -> str:
        """Cut to fit a cell, with an ellipsis, rather than spill into the next column.

        The cut is found by halving, so a name of 20,000 characters costs a few dozen
        width measurements, not one per character.
        """
        room = width - 2 * self.c_margin
        # No glyph is narrower than a tenth of the font size: anything beyond that many
        # characters cannot fit, and need not even be looked at.
        text = self.text_of(text[: int(room / (self.font_size * 0.1)) + 2])
        if self.get_string_width(text) <= room:
            return text
        low, high = 0, len(text)
        while low < high:
            middle = (low + high + 1) // 2
            if self.get_string_width(text[:middle] + "…") <= room:
                low = middle
            else:
                high = middle - 1
        return text[:low].rstrip() + "…"

    def header(self) -> None:
        # Every page repeats the whole heading: pages get separated and photocopied.
        data = self.data
        self.set_font(_FONT, "", 17)
        self.cell(0, 8, self.text_of(_("Sign-in sheet")), new_x="LMARGIN", new_y="NEXT")
        self.set_font(_FONT, "", 13)
        self.multi_cell(0, 6, self.text_of(data.course_name), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)
        self.set_font(_FONT, "", 10)
        for label, value in (
            (_("Date"), data.date_line),
            (_("Time"), data.time_line),
            (_("Place"), data.place_line),
            (_("Trainer"), data.trainers),
            (_("Status"), data.status_note),
        ):
            if not value:
                continue
            self.set_font(_FONT, "", 10)
            self.cell(28, 5.5, self.text_of(label + ":"))
            self.set_font(_FONT, "", 10)
            self.cell(0, 5.5, self.fitted(value, self.epw - 28), new_x="LMARGIN", new_y="NEXT")
        self.ln(3)
        self.set_font(_FONT, "", 10)
        self.set_fill_color(225, 225, 225)
        headings = (_("No."), _("Name"), _("Institution"), _("Hours"), _("Signature"))
        for width, heading in zip(_COLUMNS, headings, strict=True):
            self.cell(width, 7, self.fitted(heading, width), border=1, fill=True)
        self.ln(7)

    def footer(self) -> None:
        self.set_y(-_FOOTER_ROOM + 8)
        self.set_font(_FONT, "", 10)
        label = self.text_of(_("Trainer's signature") + ":")
        self.cell(self.get_string_width(label) + 2, 6, label)
        # The line to sign on runs to the right margin.
        y = self.get_y() + 5
        self.line(self.get_x() + 1, y, self.w - self.r_margin, y)
        self.ln(9)
        self.set_font(_FONT, "", 8)
        page = _("Page {page} of {pages}").format(page=self.page_no(), pages="{nb}")
        self.cell(0, 4, self.text_of(page), align="R")


def render(data: SheetData, *, compress: bool = True) -> bytes:
    """The PDF as bytes. ``compress=False`` leaves the text readable in the file (tests)."""
    pdf = _SheetPDF(data)
    pdf.set_compression(compress)
    pdf.set_title(printable(data.course_name))
    pdf.set_creator("Kuffert")
    pdf.add_page()
    pdf.set_font(_FONT, "", 10)
    if not data.rows:
        pdf.cell(sum(_COLUMNS), _ROW_HEIGHT, pdf.text_of(
            _("Nobody is enrolled for this session.")), border=1)
        pdf.ln(_ROW_HEIGHT)
    # Walk-ins write their name in the blank rows; the hours column is for whoever
    # leaves early or comes late.
    blanks = (SheetRow("", ""),) * data.walk_in_rows
    for number, row in enumerate((*data.rows, *blanks), start=1):
        if pdf.will_page_break(_ROW_HEIGHT):
            pdf.add_page()
            pdf.set_font(_FONT, "", 10)
        cells = (str(number), row.name, row.institution, "", "")
        for width, text in zip(_COLUMNS, cells, strict=True):
            pdf.cell(width, _ROW_HEIGHT, pdf.fitted(text, width) if text else "", border=1)
        pdf.ln(_ROW_HEIGHT)
    return bytes(pdf.output())


# --- writing -------------------------------------------------------------------------


def write_sheet(
    store: Store, course_id: str, session_id: str, out_path: Path | str, *, compress: bool = True,
    shown: str | None = None,
) -> int:
    """Write the sign-in sheet for one session; returns the number of people on it.

    Through tui.store.outputs, not files.atomic_write: that keeps the mode of a file it
    replaces (a sheet of names must end up 0600), and an output must never land on one
    of the database's own files. ``shown`` is the path as the user typed it.
    """
    check_output(Path(out_path), database=store.db.layout, shown=shown)
    data = collect(store, course_id, session_id)
    write_private(Path(out_path), render(data, compress=compress), database=store.db.layout,
                  shown=shown)
    return len(data.rows)
