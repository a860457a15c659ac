"""Importing a staff list from a CSV file: read it, show what would happen, then import.

Nothing is written until the user confirms the preview. The file is read and checked
in a worker (a municipality's list may hold thousands of rows); the preview says how the
file was understood (encoding, separator, which column is which), which rows are good,
and every row that will not be imported with its line number and reason, so whoever
made the file can find and fix those lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Header, Input, Static

from tui.i18n import N_, _, msg, ngettext
from tui.screens.base import KuffertScreen
from tui.store.people_import import (
    FIELD_LABELS,
    ImportPlan,
    apply_import,
    change_text,
    plan_import,
)
from tui.widgets.footer import KeyFooter
from tui.widgets.keys import translate_bindings
from tui.widgets.ordered_fields import OrderedInput
from tui.widgets.record_table import Column, RecordTable

# The table shows the first rows only; the counts say how many there are in all.
PREVIEW_ROWS = 100
GOOD_COLUMNS = (
    Column(N_("Line"), 5, min_width=4), Column(N_("Name"), min_width=14),
    Column(N_("Role"), 11), Column(N_("Qualification"), 12), Column(N_("Institution"), 14),
)


def expand_path(typed: str) -> Path | None:
    """The path as typed or pasted: a terminal's drag and drop adds quotes around it."""
    text = typed.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()
    return Path(text).expanduser() if text else None


class ImportScreen(KuffertScreen[int | None]):
    """Dismisses with the number of people imported, or None when nothing was. It shows
    a file, not the database: nothing to follow (the import itself notices people added
    by others meanwhile)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", N_("Import"), id="import.apply", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="import.cancel"),
        # At 80x24 the preview is longer than the screen: each list is a key away.
        Binding("b", "jump('bad')", N_("Bad rows"), id="import.bad"),
        Binding("d", "jump('duplicates')", N_("Duplicates"), id="import.duplicates"),
        Binding("w", "jump('warnings')", N_("Warnings"), id="import.warnings"),
        Binding("c", "jump('updates')", N_("Changes"), id="import.changes"),
    ]

    def __init__(self) -> None:
        super().__init__(id="import")
        translate_bindings(self)
        self.plan: ImportPlan | None = None
        self.institution_names: dict[str, str] = {}
        self.applying = False

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(_("Import people from a CSV file"), classes="section-title")
        yield OrderedInput(placeholder=_("Path to the file, for example ~/Downloads/staff.csv"),
                           id="import-path")
        yield Static(_("Type the path and press enter to read the file. Nothing is saved "
                       "until you import."), id="import-message", classes="quiet")
        with VerticalScroll(id="import-preview"):
            yield Static(id="import-summary")
            yield RecordTable(GOOD_COLUMNS, id="import-good")
            for section in SECTIONS:
                yield Static(id=f"import-{section}", classes="import-section")
            yield Static(id="import-problems")
        with Horizontal(id="import-actions"):
            yield Static(_("ctrl+s imports, escape cancels"), id="import-hint",
                         classes="quiet")
            yield Button(_("Import"), id="import-apply", variant="primary", disabled=True)
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("People")
        self.query_one("#import-preview").display = False
        self.query_one("#import-path", Input).focus()

    # -- reading the file ------------------------------------------------------------------

    @on(Input.Changed, "#import-path")
    def _path_changed(self) -> None:
        # The preview belongs to the file it was made from; another path needs another look.
        if self.plan is not None:
            self._show_plan(None)

    @on(Input.Submitted, "#import-path")
    def _read(self) -> None:
        path = expand_path(self.query_one("#import-path", Input).value)
        if path is None:
            self._message(_("Type the path of a CSV file first."), problem=True)
            return
        self._message(_("Reading {path} …").format(path=path))
        self._plan(path)

    def _plan(self, path: Path) -> None:
        store = self.store

        def read() -> tuple[ImportPlan, dict[str, str]]:
            return plan_import(store, path), {i.id: i.name for i in store.institutions.all()}

        self.run_store(read, lambda found: self._planned(path, *found),
                       failed=lambda text: self._failed(path, text), group="import-plan")

    def _failed(self, path: Path, text: str) -> None:
        if path == expand_path(self.query_one("#import-path", Input).value):
            self._show_plan(None)
            self._message(_("The file cannot be imported: {problem}").format(problem=text),
                          problem=True)

    def _planned(self, path: Path, plan: ImportPlan, names: dict[str, str]) -> None:
        if path != expand_path(self.query_one("#import-path", Input).value):
            return  # the user typed another path while this one was read
        self.institution_names = names
        self._show_plan(plan)

    def _message(self, text: str, *, problem: bool = False) -> None:
        message = self.query_one("#import-message", Static)
        message.update(Text(text))
        message.set_class(problem, "problem")

    # -- the preview -----------------------------------------------------------------------

    def _show_plan(self, plan: ImportPlan | None) -> None:
        self.plan = plan
        preview = self.query_one("#import-preview", VerticalScroll)
        button = self.query_one("#import-apply", Button)
        preview.display = plan is not None
        count = len(plan.rows) if plan else 0
        work_to_do = bool(plan and plan.has_work)
        button.disabled = not work_to_do
        button.label = (ngettext("Import {count} person",
                                 "Import {count} people",
                                 count).format(count=count) if count
                        else _("Save the changes") if work_to_do else _("Import"))
        self.refresh_bindings()
        if plan is None:
            self._message(_("Type the path and press enter to read the file. Nothing is "
                            "saved until you import."))
            return
        if count or plan.has_work:
            self._message(_("Nothing is saved yet. Check the preview, then import the "
                            "{count} good rows.").format(count=count))
        else:
            self._message(_("No row of this file can be imported; see the reasons below."),
                          problem=True)
        self.query_one("#import-summary", Static).update(summary_text(plan))
        table = self.query_one("#import-good", RecordTable)
        table.display = bool(plan.rows)
        names = self.institution_names | {i.id: i.name for i in plan.new_institutions}
        table.show_rows(
            (str(row.line), (str(row.line), row.person.name, row.person.role.label,
                             row.person.qualification.label,
                             names.get(row.person.institution_id or "", "")))
            for row in plan.rows[:PREVIEW_ROWS])
        for section, content in section_texts(plan).items():
            widget = self.query_one(f"#import-{section}", Static)
            widget.update(content or "")
            widget.display = content is not None
        self.query_one("#import-problems", Static).update(
            "" if any(section_texts(plan).values()) else _("Every row can be imported."))
        preview.scroll_home(animate=False)
        preview.focus()

    # -- importing -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply":
            return bool(self.plan and self.plan.has_work and not self.applying)
        if action == "jump":
            return self.plan is not None and self.query_one(
                f"#import-{parameters[0]}", Static).display
        return True

    def action_jump(self, section: str) -> None:
        widget = self.query_one(f"#import-{section}", Static)
        self.query_one("#import-preview", VerticalScroll).scroll_to_widget(
            widget, animate=False, top=True)

    @on(Button.Pressed, "#import-apply")
    def _pressed(self) -> None:
        self.action_apply()

    def action_apply(self) -> None:
        plan = self.plan
        if plan is None or not plan.has_work or self.applying:
            return
        self.applying = True
        self.query_one("#import-apply", Button).disabled = True
        self.refresh_bindings()
        self._message(ngettext("Importing {count} person …", "Importing {count} people …",
                               len(plan.rows)).format(count=len(plan.rows)))
        store = self.store
        self.run_store(lambda: apply_import(store, plan),
                       lambda added: self._applied(plan, added), failed=self._apply_failed,
                       group="import-apply")

    def _apply_failed(self, text: str) -> None:
        self.applying = False
        self.query_one("#import-apply", Button).disabled = False
        self.refresh_bindings()
        self._message(_("Nothing was imported: {problem}").format(problem=text), problem=True)
        self.notify(text, title=_("Nothing was imported"), severity="error", timeout=12)

    def _applied(self, plan: ImportPlan, added: int) -> None:
        self.applying = False
        text = ngettext("Imported {count} person.",
                        "Imported {count} people.",
                        added).format(count=added)
        if added < len(plan.rows):
            left_out = len(plan.rows) - added
            text += " " + ngettext(
                "{count} person was added by someone else while the file was read; they "
                "were left out.",
                "{count} people were added by someone else while the file was read; they "
                "were left out.", left_out).format(count=left_out)
        self.notify(text, title=_("Import"), timeout=10)
        self.dismiss(added)

    def action_cancel(self) -> None:
        if self.applying:
            self.notify(_("The import is being saved; wait a moment."), severity="warning")
            return
        self.dismiss(None)


def summary_text(plan: ImportPlan) -> Text:
    lines = [
        _("{path}: encoding {encoding}, separated by {delimiter}.").format(
            path=plan.path, encoding=plan.encoding_label, delimiter=plan.delimiter_label),
        _("Columns: {columns}").format(columns=", ".join(
            f"{heading} → {msg(FIELD_LABELS[name])}" for name, heading in plan.columns.items())),
    ]
    if plan.ignored_columns:
        lines.append(_("Columns not imported: {columns}").format(
            columns=", ".join(plan.ignored_columns)))
    lines.append(_("Rows read: {rows}. Good: {good}. Bad: {bad}. Duplicates: {duplicates}.")
                 .format(rows=plan.rows_read, good=len(plan.rows), bad=len(plan.bad_rows),
                         duplicates=len(plan.duplicates)))
    if len(plan.rows) > PREVIEW_ROWS:
        lines.append(_("The table shows the first {shown} of {count} good rows.").format(
            shown=PREVIEW_ROWS, count=len(plan.rows)))
    return Text("\n".join(lines))


SECTIONS = ("bad", "duplicates", "warnings", "updates", "institutions", "readings")


def section_texts(plan: ImportPlan) -> dict[str, RenderableType | None]:
    """Every row left out, warned about or changing someone registered, its line number
    beside the reason so that a reason over several lines stays readable at 80 columns;
    then the institutions made and how the file's words were read. None: nothing to say."""
    items: dict[str, tuple[str, list[tuple[str, object]]]] = {
        "bad": (_("Bad rows (not imported):"),
                [(_line(b.line), b.reason) for b in plan.bad_rows]),
        "duplicates": (_("Duplicates (not imported):"),
                       [(_line(d.line), d.reason) for d in plan.duplicates]),
        "warnings": (_("Warnings (imported anyway):"),
                     [(_line(w.line), w.message) for w in plan.warnings]),
        "updates": (_("Changes to people already registered:"),
                    [(_line(u.line), change_text(u)) for u in plan.updates]),
        "institutions": (_("New institutions, made with the import:"),
                         [("", f"{i.name} ({i.kind.label})") for i in plan.new_institutions]),
        "readings": (_("Read as:"), [(f'"{r.text}"', f"{msg(FIELD_LABELS[r.field])}: {r.label}")
                                     for r in plan.readings]),
    }
    texts: dict[str, RenderableType | None] = {}
    for section, (heading, rows) in items.items():
        if not rows:
            texts[section] = None
            continue
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for left, right in rows:
            grid.add_row(" " + left, Text(str(right)))
        texts[section] = Group(Text(""), Text(heading, style="bold"), grid)
    return texts


def _line(line: int) -> str:
    return _("line {line}:").format(line=line)
