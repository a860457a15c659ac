"""Records changed both in the office and in the field: both versions side by side.

Each conflict shows its versions field by field with who saved each and when. Keep the
office's, keep the field's, or edit: pick, field by field, whose value to keep, then save
the mix. Until then the version chosen by the merge rule is the one other screens show.
Records are named as users know them (whose mark, on which day), not by their ids.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Header, Label, Static

from tui.domain.merge import META_FIELDS, Version, differing_fields
from tui.domain.parse import format_moment
from tui.i18n import N_, _
from tui.screens import live
from tui.screens.base import KuffertScreen
from tui.screens.sync.fields import Names, decoded, label, read_names, subject, value_text
from tui.store import conflicts
from tui.widgets.footer import KeyFooter
from tui.widgets.keys import key_for, translate_bindings
from tui.widgets.record_table import Column, RecordTable
from tui.widgets.type_ahead import FollowsFocus

LIST_COLUMNS = (
    # The end of a name and the date of a day tell records apart: cut in the middle.
    Column(N_("Record"), clip="middle"), Column(N_("Course"), 16, clip="middle"),
    Column(N_("Shown"), 7),
)
FIELD_COLUMNS = (
    Column(N_("Field"), 16), Column(N_("Office"), min_width=12),
    Column(N_("Field copy"), 24), Column(N_("Keep"), 6),
)
TABLE_NAMES = {
    "attendance": N_("Attendance"), "journal_entries": N_("Journal entry"),
    "people": N_("Person"), "enrolments": N_("Enrolment"), "sessions": N_("Session"),
    "journals": N_("Journal"), "journal_goals": N_("Journal goal"),
    "ratings": N_("Rating"), "transfer_notes": N_("Transfer note"), "courses": N_("Course"),
    "places": N_("Place"), "institutions": N_("Institution"),
    "programmes": N_("Programme"), "topic_wishes": N_("Topic wish"),
}


def side_name(version: Version) -> str:
    return _("office") if version.origin == "office" else _("field")


class ConflictTable(FollowsFocus, RecordTable):
    pass


class ConflictsScreen(KuffertScreen[None]):
    AUTO_FOCUS = "#conflict-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "keep('office')", N_("Keep office's"), id="conflicts.keep_office"),
        Binding("f", "keep('field')", N_("Keep field's"), id="conflicts.keep_field"),
        Binding("e", "edit", N_("Edit"), id="conflicts.edit"),
        Binding("s", "save", N_("Save edit"), id="conflicts.save"),
        # Escape is what leaves every screen: ? lists it, the footer keeps its room.
        Binding("escape", "back", N_("Back"), id="conflicts.back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="conflicts")
        translate_bindings(self)
        self.found: list[conflicts.Conflict] = []
        self.names = Names()
        # While editing: field name -> the side whose value is kept ("office"/"field").
        self.editing: dict[str, str] | None = None
        self._editing_for: str | None = None  # the conflict being edited
        self._courses: frozenset[str] = frozenset()

    def watched(self) -> frozenset[str]:
        # The conflicts are kept in the main file; names in the people file and in the
        # files of the courses the conflicts are in (their days and journals).
        return frozenset({live.MAIN, live.PEOPLE, *map(live.course, self._courses)})

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with Vertical(id="conflicts-body"):
            yield Label(_("Conflicts"), id="conflicts-title", classes="section-title")
            yield ConflictTable(LIST_COLUMNS, id="conflict-list")
            yield Static("", id="conflict-who", markup=False)
            yield ConflictTable(FIELD_COLUMNS, id="conflict-fields")
        yield Static("", id="conflicts-message", classes="message", markup=False)
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._reload()

    # -- showing ----------------------------------------------------------------------------

    def data_changed(self, changes: live.Changes) -> None:
        self._reload()

    def _reload(self, keep: str | None = None) -> None:
        store = self.store

        def read() -> tuple[list[conflicts.Conflict], Names]:
            found = conflicts.open_conflicts(store)
            return found, read_names(store, found)

        self.mark_read()
        self.run_store(read, lambda result: self._show(*result, keep=keep),
                       failed=self._failed, group="read")

    def _failed(self, text: str) -> None:
        self.found = []
        self._message(text)

    def _show(self, found: list[conflicts.Conflict], names: Names,
              keep: str | None = None) -> None:
        table = self.query_one("#conflict-list", RecordTable)
        if keep is None and table.row_count:
            # Read again after someone's change: the cursor stays on its conflict.
            keep = self.selected().id if self.selected() is not None else None
        self.found, self.names = found, names
        courses = frozenset(c.loc.course for c in found if c.loc.course)
        if courses != self._courses:
            self._courses = courses
            self.mark_read()  # the courses' files were read with the names
        self.query_one("#conflicts-title", Label).update(
            _("Conflicts ({n})").format(n=len(self.found)))
        course_names = names.by_kind.get("courses", {})
        table.show_rows(
            (c.id, (f"{_(TABLE_NAMES.get(c.loc.table, c.loc.table))}: {subject(c, names)}",
                    course_names.get(c.loc.course or "", c.loc.course or ""),
                    side_name(c.shown)))
            for c in self.found)
        if not self.found:
            self._message(_("No conflicts: every change from the field has found its place."))
            return
        self.query_one("#conflicts-body").display = True
        self.query_one("#conflicts-message").display = False
        if keep is not None:
            index = next((i for i, c in enumerate(self.found) if c.id == keep), 0)
            if table.cursor_row != index:
                table.move_cursor(row=index)
        if self.focused is None:
            self.set_focus(table)
        self._show_selected()

    def _message(self, text: str) -> None:
        self.query_one("#conflicts-body").display = False
        message = self.query_one("#conflicts-message", Static)
        message.update(Text(text, justify="center"))
        message.display = True
        self.refresh_bindings()

    def selected(self) -> conflicts.Conflict | None:
        if not self.found:
            return None
        row = self.query_one("#conflict-list", RecordTable).cursor_row
        return self.found[min(max(row, 0), len(self.found) - 1)]

    def on_data_table_row_highlighted(self, event: RecordTable.RowHighlighted) -> None:
        if event.data_table.id == "conflict-list":
            selected = self.selected()
            # An edit under way stays while its conflict is the one chosen (the list
            # drawn again after someone's change moves no cursor of the user's).
            if selected is None or selected.id != self._editing_for:
                self.editing = None
            self._show_selected()

    def _pair(self, conflict: conflicts.Conflict) -> tuple[Version | None, Version | None]:
        return conflict.side("office"), conflict.side("field")

    def _show_selected(self) -> None:
        conflict = self.selected()
        if conflict is None:
            return
        office, field = self._pair(conflict)
        who = [f"{_('Office')}: {self._who(office)}", f"{_('Field copy')}: {self._who(field)}"]
        self.query_one("#conflict-who", Static).update("\n".join(who))
        docs = [v for v in (office, field) if v is not None]
        names = [n for n in differing_fields(docs) if n not in META_FIELDS]
        office_doc = office.doc if office else None
        field_doc = field.doc if field else None
        office_rec, field_rec = decoded(conflict, office_doc), decoded(conflict, field_doc)
        rows = []
        for name in names:
            keep = self.editing.get(name, "") if self.editing is not None else ""
            rows.append((name, (label(name),
                                value_text(office_rec, office_doc, name, self.names),
                                value_text(field_rec, field_doc, name, self.names),
                                side_label(keep))))
        self.query_one("#conflict-fields", RecordTable).show_rows(rows)
        self.refresh_bindings()

    def _who(self, version: Version | None) -> str:
        if version is None:
            return "–"
        state = _("deleted") if version.deleted else _("version {n}").format(n=version.stamp[0])
        return f"{version.stamp[2]}, {format_moment(version.stamp[1])} ({state})"

    # -- deciding ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return True
        conflict = self.selected()
        if conflict is None:
            return False
        if action == "save":
            return self.editing is not None
        if action == "keep" and self.editing is None:
            return conflict.side(str(parameters[0])) is not None
        if action == "edit":
            office, field = self._pair(conflict)
            return (self.editing is None and office is not None and field is not None
                    and not office.deleted and not field.deleted)
        return True

    def action_keep(self, side: str) -> None:
        conflict = self.selected()
        if conflict is None:
            return
        if self.editing is not None:
            # While editing, the key picks this side for the field under the cursor.
            fields = self.query_one("#conflict-fields", RecordTable)
            if fields.row_count:
                row_key, _col = fields.coordinate_to_cell_key(fields.cursor_coordinate)
                self.editing[str(row_key.value)] = side
                fields.move_cursor(row=min(fields.cursor_row + 1, fields.row_count - 1))
                cursor = fields.cursor_row
                self._show_selected()
                fields.move_cursor(row=cursor)
            return
        self._settle(conflict, keep=side)

    def action_edit(self) -> None:
        conflict = self.selected()
        if conflict is None:
            return
        shown = "office" if conflict.shown.origin == "office" else "field"
        office, field = self._pair(conflict)
        docs = [v for v in (office, field) if v is not None]
        assert office is not None and field is not None  # check_action saw to it
        self.editing = {n: shown for n in differing_fields(docs) if n not in META_FIELDS
                        and (office.doc or {}).get(n) != (field.doc or {}).get(n)}
        self._editing_for = conflict.id
        self._show_selected()
        self.set_focus(self.query_one("#conflict-fields", RecordTable))
        o, f, s = (key_for(self, i) for i in ("conflicts.keep_office",
                                              "conflicts.keep_field", "conflicts.save"))
        self.notify(_("Pick each field's value with {o} (office) or {f} (field), then {s} "
                      "saves.").format(o=o, f=f, s=s), title=_("Edit"))

    def action_save(self) -> None:
        conflict = self.selected()
        if conflict is None or self.editing is None:
            return
        office, field = self._pair(conflict)
        if office is None or field is None or office.doc is None or field.doc is None:
            return
        merged = dict(office.doc)
        for name, side in self.editing.items():
            source = office.doc if side == "office" else field.doc
            if name in source:
                merged[name] = source[name]
            else:
                merged.pop(name, None)
        self._settle(conflict, fields=merged)

    def _settle(self, conflict: conflicts.Conflict, *, keep: str | None = None,
                fields: dict[str, Any] | None = None) -> None:
        store = self.store
        index = self.found.index(conflict)
        following = self.found[index + 1] if index + 1 < len(self.found) else None
        what = (_("the office's version kept") if keep == "office" else
                _("the field's version kept") if keep == "field" else _("your edit saved"))

        def settled(_doc: object) -> None:
            self.editing = None
            self.notify(_("Conflict resolved: {what}.").format(what=what),
                        title=_("Conflicts"))
            self._reload(keep=following.id if following else None)

        def refused(text: str) -> None:
            self.notify(text, title=_("Not resolved"), severity="error", timeout=10)

        self.run_store(lambda: conflicts.resolve(store, conflict.id, keep=keep, fields=fields),
                       settled, failed=refused, group="write", exclusive=False)

    def action_back(self) -> None:
        if self.editing is not None:
            self.editing = None
            self._show_selected()
            self.set_focus(self.query_one("#conflict-list", RecordTable))
            return
        self.dismiss()


def side_label(side: str) -> str:
    return {"office": _("office"), "field": _("field")}.get(side, "")
