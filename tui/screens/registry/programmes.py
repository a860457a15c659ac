"""Programmes and what each one defines: its topic catalogue, course forms and learning
goals (``catalogues``), and its topic wishes.

The list follows the main file (programmes and the courses counted per programme). The
progress toward each target needs every course's marks: it is counted after the list
shows, and again when a course's file changes (marks made at another desk), at most
once a second however many courses are being marked.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from tui.domain.programmes import Programme, audience_label, target_share, target_text
from tui.domain.text import printable
from tui.i18n import N_, _, ngettext
from tui.screens import live
from tui.screens.base import TypeAheadScreen
from tui.screens.registry.catalogue_kinds import FormsScreen, GoalsScreen, TopicsScreen
from tui.screens.registry.catalogues import CatalogueScreen
from tui.screens.registry.list_table import ListTable
from tui.screens.registry.programme_forms import (
    edit_programme_form,
    format_period,
    new_programme_form,
)
from tui.views.registry import ProgrammeList, read_programmes, trained_per_programme
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.form import FormScreen
from tui.widgets.keys import key_for, translate_bindings
from tui.widgets.record_table import Column, RecordTable

PROGRAMME_COLUMNS = (
    Column(N_("Name"), clip="middle", min_width=14), Column(N_("Owner"), 12),
    Column(N_("Period"), 21), Column(N_("Target"), 5), Column(N_("Courses"), 6),
)


# The least time between two counts of the progress (each reads every course's figures).
COUNT_GAP = 1.0


class ProgrammesScreen(TypeAheadScreen[None]):
    AUTO_FOCUS = "#programmes-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority, so that a burst of keys runs in the order typed (see people.py).
        Binding("n", "new", N_("New"), id="programmes.new", priority=True),
        Binding("e", "edit", N_("Edit"), id="programmes.edit", priority=True),
        Binding("t", "topics", N_("Topics"), id="programmes.topics", priority=True),
        Binding("o", "forms", N_("Forms"), id="programmes.forms", priority=True),
        Binding("g", "goals", N_("Goals"), id="programmes.goals", priority=True),
        Binding("w", "wishes", N_("Wishes"), id="programmes.wishes", priority=True),
        Binding("delete", "delete", N_("Delete"), id="programmes.delete", priority=True),
        Binding("enter", "edit", show=False, id="programmes.open", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__(id="programmes")
        translate_bindings(self)
        self.programmes: dict[str, Programme] = {}
        self.course_counts: Counter[str] = Counter()
        self.trained: dict[str, int] = {}  # people trained per programme, once counted
        self._listed: ProgrammeList | None = None
        self._course_ids: frozenset[str] = frozenset()
        self._counting = False
        self._count_again = False
        self._counted_at = -COUNT_GAP

    def watched(self) -> frozenset[str]:
        # The courses' files for their marks, once the count has named them; the
        # courses folder for a course added or removed.
        return frozenset({live.MAIN, live.COURSES,
                          *(live.course(cid) for cid in self._course_ids)})

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static(_("Programmes"), id="programmes-title", classes="section-title")
        yield ListTable(PROGRAMME_COLUMNS, id="programmes-table")
        yield Static("", id="programmes-detail", classes="quiet")
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("Programmes")
        self._read()

    def data_changed(self, changes: live.Changes) -> None:
        if live.MAIN in changes:
            self._read(recount=any(s != live.MAIN for s in changes.sources))
        else:
            self._count_trained()

    # -- reading ---------------------------------------------------------------------------

    def _read(self, select: str | None = None, *, recount: bool = False) -> None:
        store = self.store
        self.mark_read(live.MAIN)
        self.run_store(lambda: read_programmes(store),
                       lambda listed: self._loaded(listed, select, recount=recount),
                       failed=self._problem, group="programmes-load")

    def _count_trained(self) -> None:
        # After the list shows, so a big database does not keep the list waiting. One
        # count at a time, COUNT_GAP apart: what changes meanwhile is counted next.
        if self._counting:
            self._count_again = True
            return
        wait = self._counted_at + COUNT_GAP - time.monotonic()
        if wait > 0:
            self._counting = True
            self.set_timer(wait, self._count_now)
            return
        self._counting = True
        self._count_now()

    def _count_now(self) -> None:
        if not self.is_attached:
            return
        store = self.store
        self._counted_at = time.monotonic()
        self._count_again = False
        # Before the read: a mark made during it is seen at the next look.
        self.mark_read(live.COURSES, *(live.course(cid) for cid in self._course_ids))

        def count() -> tuple[dict[str, int], frozenset[str]]:
            return (trained_per_programme(store),
                    frozenset(c.id for c in store.courses.all()))

        self.run_store(count, self._trained_known, failed=self._not_counted,
                       group="programmes-trained")

    def _trained_known(self, counted: tuple[dict[str, int], frozenset[str]]) -> None:
        trained, course_ids = counted
        new = course_ids - self._course_ids
        self._course_ids = course_ids
        if new:
            self.mark_read(*(live.course(cid) for cid in new))
        self._counted()
        if trained != self.trained:
            self.trained = trained
            self._detail()

    def _not_counted(self, _text: str) -> None:
        self._counted()

    def _counted(self) -> None:
        self._counting = False
        if self._count_again:
            self._count_trained()

    def _problem(self, text: str) -> None:
        self.query_one("#programmes-detail", Static).update(
            _("Kuffert cannot read the database.") + " " + text)

    def _loaded(self, listed: ProgrammeList, select: str | None = None, *,
                recount: bool = False) -> None:
        if listed != self._listed:
            self._listed = listed
            self._show(listed.programmes, listed.course_counts, select)
            recount = True
        elif select is not None:
            self._select(select)
        if recount:
            self._count_trained()

    def _show(self, programmes: list[Programme], counts: Counter[str],
              select: str | None = None) -> None:
        self.programmes = {p.id: p for p in programmes}
        self.course_counts = counts
        self.query_one(RecordTable).show_rows(
            (p.id, (p.name, p.owner, format_period(p.period_start, p.period_end),
                    target_text(p), counts.get(p.id, 0)))
            for p in programmes)
        if select is not None:
            self._select(select)
        self.query_one("#programmes-title", Static).update(
            _("Programmes ({n})").format(n=len(programmes)))
        self._detail()

    def _select(self, programme_id: str) -> None:
        table = self.query_one(RecordTable)
        if programme_id in table.rows:
            table.move_cursor(row=table.get_row_index(programme_id), animate=False)

    def show_written(self, programme: Programme | None = None, *,
                     deleted: str | None = None) -> None:
        """This screen's own write, shown without reading the file again."""
        programmes = dict(self.programmes)
        if programme is not None:
            programmes[programme.id] = programme
        programmes.pop(deleted or "", None)
        from tui.domain.ordering import name_key

        ordered = sorted(programmes.values(), key=lambda p: name_key(p.name))
        self._listed = ProgrammeList(ordered, self.course_counts)
        self.absorb(live.MAIN)
        self._show(ordered, self.course_counts, programme.id if programme else None)

    @on(DataTable.RowHighlighted, "#programmes-table")
    def _detail(self) -> None:
        programme = self.current()
        detail = self.query_one("#programmes-detail", Static)
        if programme is None:
            detail.update(_("No programme yet. Press {key} to create one.").format(
                key=key_for(self, "programmes.new")) if not self.programmes else "")
            return
        goals = Counter(g.audience for g in programme.learning_goals)
        parts = [
            _("Topics: {n}").format(n=len(programme.topics)),
            _("Course forms: {n}").format(n=len(programme.forms)),
            _("Learning goals: {n}").format(n=len(programme.learning_goals))
            + (" (" + ", ".join(f"{audience_label(a, programme)} {n}"
                                for a, n in goals.items()) + ")" if goals else ""),
        ]
        if programme.funding_pool:
            parts.append(_("Pool: {pool}").format(pool=printable(programme.funding_pool)))
        if programme.target_participants and programme.id in self.trained:
            done = self.trained[programme.id]
            parts.append(_("Trained {n} of the target {target} ({share} %)").format(
                n=done, target=target_text(programme),
                share=target_share(done, programme)))
        detail.update(" · ".join(parts))

    def current(self) -> Programme | None:
        table = self.query_one(RecordTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.programmes.get(key or "")

    @on(DataTable.RowSelected, "#programmes-table")
    def _clicked(self) -> None:
        self.action_edit()

    # -- keys typed ahead -------------------------------------------------------------------

    def _on_current(self, step: Callable[[Programme], object]) -> None:
        """``step`` on the programme under the cursor once the keys typed before this
        one are handled; the keys after it wait for what it opens."""

        def run() -> None:
            programme = self.current()
            if programme is None:
                self.let_keys_go()
            else:
                step(programme)

        self.after_typing(run, self.query_one(RecordTable))

    # -- create and edit -------------------------------------------------------------------

    def action_new(self) -> None:
        form = new_programme_form(self.store)
        if self.hold_keys():
            self.open_read(lambda: None, lambda _nothing: form,
                      lambda values: self._saved(form, values))

    def action_edit(self) -> None:
        store = self.store
        forms: list[FormScreen] = []

        def form_for(fresh: Programme) -> FormScreen:
            forms.append(edit_programme_form(store, fresh))
            return forms[0]

        self._on_current(lambda programme: self.open_read(
            lambda: store.programmes.get(programme.id), form_for,
            lambda values: self._saved(forms[0], values)))

    def _saved(self, form: FormScreen, values: object) -> None:
        if values is not None and isinstance(form.saved, Programme):
            self.show_written(form.saved)
            self.notify(_("Saved {name}.").format(name=printable(form.saved.name)))

    # -- delete ----------------------------------------------------------------------------

    def action_delete(self) -> None:
        self._on_current(self._ask_delete)

    def _ask_delete(self, programme: Programme) -> None:
        name = printable(programme.name)
        courses = self.course_counts.get(programme.id, 0)
        if courses:
            self.let_keys_go()
            self.notify(ngettext(
                "{name} still has {count} course. Delete or move it before the programme.",
                "{name} still has {count} courses. Delete or move them before the programme.",
                courses).format(name=name, count=courses),
                        title=_("Not deleted"), severity="warning", timeout=10)
            return
        store = self.store

        def question(wishes: int) -> ConfirmScreen:
            text = _("Delete the programme {name}?").format(name=name)
            if wishes:
                text += " " + ngettext("Its {count} topic wish goes with it.",
                                       "Its {count} topic wishes go with it.",
                                       wishes).format(count=wishes)
            return ConfirmScreen(text, yes=_("Delete"), no=_("Keep"), danger=True)

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_store(lambda: store.delete_programme(programme.id),
                               lambda _wishes: self._deleted(programme),
                               group="programmes-write", exclusive=False)

        self.open_read(lambda: len(store.topic_wishes.where(programme_id=programme.id)),
                  question, answered)

    def _deleted(self, programme: Programme) -> None:
        self.show_written(deleted=programme.id)
        self.notify(_("Deleted {name}.").format(name=printable(programme.name)))

    # -- the catalogues and the wishes -----------------------------------------------------

    def _open(self, screen_class: type[CatalogueScreen[Any]]) -> None:
        self._on_current(lambda programme: self.open_read(
            lambda: programme.id, screen_class))

    def action_topics(self) -> None:
        self._open(TopicsScreen)

    def action_forms(self) -> None:
        self._open(FormsScreen)

    def action_goals(self) -> None:
        self._open(GoalsScreen)

    def action_wishes(self) -> None:
        from tui.screens.registry.wishes import WishesScreen

        self._on_current(lambda programme: self.open_read(
            lambda: programme.id,
            lambda programme_id: WishesScreen(programme_id=programme_id)))
