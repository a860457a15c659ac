"""The journal entry editor: it saves a moment after each pause in typing and on leaving,
in a worker thread, so typing never waits for the disk or for another writer's lock.

When someone else saved the same entry meanwhile, nothing is overwritten: an automatic
save only says so and waits; ctrl+s or leaving shows their change field by field (the
same question every form asks, ``tui.widgets.changed_underneath``): keep mine, take
theirs, or choose per field. A lost connection costs at most the last couple of seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import Header, Input, Select, Static, TextArea

from tui.domain.journals import DocMethod, JournalEntry, Phase
from tui.domain.parse import format_date, format_moment, parse_date
from tui.i18n import N_, _
from tui.screens import live
from tui.screens.base import EXPECTED, KuffertScreen, error_text, in_thread
from tui.screens.journals.naming import CourseDays, SessionLink, cycle_text
from tui.store.errors import RecordNotFound, StaleRecord, StoreError
from tui.widgets.changed_underneath import (
    ChangedUnderneathScreen,
    Underneath,
    changes,
    merged,
)
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.form import Editing
from tui.widgets.keys import translate_bindings

# Long enough not to write on every key, short enough that a dropped SSH connection
# (a killed process) loses at most this much typing.
AUTOSAVE_SECONDS = 2.0

# The entry's fields as the question about someone else's change names them.
LABELS = {
    "text": N_("Text"), "date": N_("Date"), "link": N_("Session day or practice period"),
    "method": N_("Documentation method"), "author": N_("Author"),
}


def now_text() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")


@dataclass(frozen=True, slots=True)
class Draft:
    """What the editor holds: saved a moment after it changes."""

    text: str
    date: dt.date | None
    link: SessionLink | None
    method: DocMethod | None
    author: str

    @classmethod
    def of(cls, entry: JournalEntry) -> Draft:
        return cls(entry.text, entry.date, SessionLink.of(entry),
                   DocMethod(entry.method) if entry.method else None, entry.author)

    def applied(self, entry: JournalEntry) -> JournalEntry:
        """``entry`` with this draft's values: its other fields as they are stored."""
        return dataclasses.replace(
            entry, text=self.text, date=self.date, method=self.method, author=self.author,
            session_id=self.link.session_id if self.link else None,
            in_practice_period=self.link.practice if self.link else False)

    def values(self) -> dict[str, Any]:
        """Each field as text or as the value of its choice, for comparing two versions."""
        return {"text": self.text, "date": format_date(self.date) if self.date else "",
                "link": self.link.value if self.link else None,
                "method": self.method.value if self.method else None, "author": self.author}

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Draft:
        method = values["method"]
        return cls(values["text"], parse_date(values["date"], required=False).value,
                   SessionLink.parse(values["link"]), DocMethod(method) if method else None,
                   values["author"] or "")


class EntryScreen(KuffertScreen[str | None]):
    """Writes one entry. The entry is created on the first save that has text in it and
    updated after that; dismisses with its id (None if nothing was stored)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Save and go back"), id="entry.close"),
        # Not priority: a priority key overtakes letters still queued for the editor.
        Binding("ctrl+s", "save", N_("Save now"), id="entry.save"),
    ]

    def __init__(self, entry: JournalEntry, days: CourseDays, *,
                 members: Sequence[str] = ()) -> None:
        super().__init__(classes="entry-screen")
        translate_bindings(self)
        self.entry = entry
        self.days = days
        self.members = list(members)
        self._draft = Draft.of(entry)
        # What the store holds; for a new entry nothing, so any text counts as a change.
        self._saved: Draft | None = self._draft if entry.id else None
        # Someone else's newer version, while the user has not yet chosen what to keep.
        self._theirs: JournalEntry | None = None
        self._timer: Timer | None = None
        self._saving = asyncio.Lock()
        self._writing = threading.Lock()
        self._written: tuple[JournalEntry, Draft] | None = None
        self._leaving = False

    @property
    def editing(self) -> Editing[JournalEntry]:
        """The entry as the forms' ``Editing`` holds a stored record."""
        repo = self.store.journal_entries(self.entry.course_id)
        entry_id = self.entry.id

        def save(values: dict[str, Any], base: JournalEntry) -> JournalEntry:
            record = Draft.from_values(values).applied(base)
            if not base.id:
                return repo.add(record)
            return repo.save(record, expected_version=base.version)

        return Editing(_("The journal entry"), self.entry, save=save,
                       reread=lambda: repo.find(entry_id) if entry_id else None,
                       values=lambda entry: Draft.of(entry).values())

    def watched(self) -> frozenset[str]:
        return frozenset({live.course(self.entry.course_id)})

    def compose(self) -> ComposeResult:
        entry = self.entry
        phase = Phase(entry.phase)
        question = Text()
        question.append(f"{int(phase)}. {phase.label} · {cycle_text(entry.cycle)}: ",
                        style="bold")
        question.append(phase.question)
        yield Header(icon="")
        yield Static(question, id="entry-question")
        with Horizontal(id="entry-row-1"):
            date = Input(format_date(entry.date) if entry.date else "", id="entry-date",
                         placeholder="24-11-2026")
            date.border_title = _("Date")
            yield date
            author: Input | Select[str]
            if self.members:
                # A group's entry is by one of its members: picked, never misspelt.
                author = Select([(n, n) for n in self._author_names(entry.author)],
                                id="entry-author", value=entry.author or Select.NULL,
                                prompt=_("Who wrote it"))
            else:
                author = Input(entry.author, id="entry-author", placeholder=_("Who wrote it"))
            author.border_title = _("Author")
            yield author
        with Horizontal(id="entry-row-2"):
            link = self._draft.link
            yield Select(self.days.choices(link), id="entry-session",
                         value=link.value if link else Select.NULL,
                         prompt=_("Session day or practice period"))
            yield Select([(m.label, m.value) for m in DocMethod], id="entry-method",
                         value=self._draft.method.value if self._draft.method else Select.NULL,
                         prompt=_("Documentation method"))
        text = TextArea(entry.text, id="entry-text", soft_wrap=True)
        text.border_title = _("Text")
        yield text
        yield Static(self._idle_status(), id="entry-status")
        yield KeyFooter(compact=True, show_command_palette=False)

    def _author_names(self, author: str) -> list[str]:
        return list(dict.fromkeys([*self.members, *([author] if author else [])]))

    def on_mount(self) -> None:
        self.sub_title = _("Journal entry")
        self.mark_read()
        area = self.query_one("#entry-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def _idle_status(self) -> str:
        if self.entry.id and self.entry.updated_at:
            return _("Saves by itself a moment after you stop typing.")
        return _("Saves by itself a moment after you start typing.")

    # -- someone else's change --------------------------------------------------------------

    def data_changed(self, changes: live.Changes) -> None:
        if not self.entry.id:
            self.mark_read()
            return
        repo, entry_id = self.store.journal_entries(self.entry.course_id), self.entry.id
        self.mark_read()
        self.run_store(lambda: repo.find(entry_id), self._seen_stored, group="read")

    def _seen_stored(self, stored: JournalEntry | None) -> None:
        # While a save of this screen's is under way, the change seen may be its own.
        if self._saving.locked():
            return
        if stored is None or stored.version <= self.entry.version:
            return
        if not self.dirty:
            # Nothing typed here since the last save: their version is simply shown.
            self.entry, self._saved = stored, Draft.of(stored)
            self._put(Draft.of(stored))
            self._status(_("{by} changed this entry at {at}; it is shown as they saved it.")
                         .format(by=stored.updated_by or "?",
                                 at=format_moment(stored.updated_at)))
            return
        # Not taken into the editor: the user is typing in it. Said, and asked on the
        # next ctrl+s or on leaving.
        self._theirs = stored
        self._warn_theirs(stored)

    def _warn_theirs(self, theirs: JournalEntry) -> None:
        self._status(Text(_("{by} saved this entry at {at} too. Your text is kept here; "
                            "ctrl+s shows their change.").format(
            by=theirs.updated_by or "?", at=format_moment(theirs.updated_at)), style="bold"))

    # -- changes ----------------------------------------------------------------------------

    @on(TextArea.Changed, "#entry-text")
    def _text_changed(self, event: TextArea.Changed) -> None:
        self._changed(text=event.text_area.text)

    @on(Input.Changed, "#entry-author")
    def _author_changed(self, event: Input.Changed) -> None:
        self._changed(author=event.value.strip())

    @on(Select.Changed, "#entry-author")
    def _author_picked(self, event: Select.Changed) -> None:
        self._changed(author="" if event.value is Select.NULL else str(event.value))

    @on(Input.Changed, "#entry-date")
    def _date_changed(self, event: Input.Changed) -> None:
        parsed = parse_date(event.value, required=False)
        if parsed.error is not None:
            # The text is saved anyway; only the date waits until it makes sense.
            self._status(Text(str(parsed.error), style="bold"))
            return
        self._changed(date=parsed.value)

    @on(Select.Changed, "#entry-session")
    def _session_changed(self, event: Select.Changed) -> None:
        self._changed(link=SessionLink.parse(event.value))

    @on(Select.Changed, "#entry-method")
    def _method_changed(self, event: Select.Changed) -> None:
        value = event.value
        self._changed(method=DocMethod(value) if isinstance(value, str) else None)

    def _changed(self, **fields: Any) -> None:
        draft = dataclasses.replace(self._draft, **fields)
        if draft == self._draft:
            return
        self._draft = draft
        if self._leaving:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(AUTOSAVE_SECONDS, self._autosave)
        if self._theirs is None:
            self._status(_("Changed; saves in a moment …"))

    def _autosave(self) -> None:
        self._timer = None
        self.run_worker(self.save(), group="entry-save")

    def _status(self, text: str | Text) -> None:
        # While the screen is being taken down (the app quitting) there is no line left.
        with contextlib.suppress(NoMatches):
            self.query_one("#entry-status", Static).update(text)

    @property
    def dirty(self) -> bool:
        if self._saved is None:
            return bool(self._draft.text.strip())
        return self._draft != self._saved

    # -- saving -----------------------------------------------------------------------------

    async def save(self, *, ask: bool = False) -> bool:
        """Store the draft if it changed; True when nothing typed is left unsaved.

        With ``ask`` (ctrl+s, leaving) a change someone else saved meanwhile is shown and
        the user chooses; without it (the automatic save) it is only said. Runs in a
        worker: the question waits for the user."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        async with self._saving:
            return await self._save(ask)

    async def _save(self, ask: bool) -> bool:
        if not self.dirty and self._theirs is None:
            return True
        if self._theirs is not None:
            if not ask:
                self._warn_theirs(self._theirs)
                return False
            return await self._settle(self._theirs)
        draft, base, editing = self._draft, self.entry, self.editing
        try:
            saved = await in_thread(self, lambda: self._write(editing, draft, base))
        except StaleRecord:
            try:
                theirs = await in_thread(self, editing.reread)
            except EXPECTED as error:
                self._not_saved(error_text(error))
                return False
            if theirs is None:
                self._deleted_meanwhile()
            self._theirs = theirs
            return await self._save(ask)
        except RecordNotFound:
            self._deleted_meanwhile()
            return await self._save(ask)
        except EXPECTED as error:
            self._not_saved(error_text(error))
            return False
        self._stored(saved, draft)
        # Typed on while it was saved: with ``ask`` that is saved too before leaving.
        return not self.dirty or (ask and await self._save(ask))

    def _write(self, editing: Editing[JournalEntry], draft: Draft,
               base: JournalEntry) -> JournalEntry:
        """In a worker thread. What it stored is noted under a lock, so that a last save
        on the way out (``on_unmount``) never stores the same new entry twice."""
        with self._writing:
            saved = editing.save(draft.values(), base)
            self._written = (saved, draft)
            return saved

    def _deleted_meanwhile(self) -> None:
        # Stored again as a new entry by the next save: nothing typed is lost.
        self.entry = dataclasses.replace(self.entry, id="", created_at="")
        self._saved = None
        self.notify(_("Someone deleted this entry while you wrote; it is saved again."),
                    severity="warning", timeout=15, markup=False)

    def _stored(self, saved: JournalEntry, draft: Draft) -> None:
        self.entry = saved
        self._saved = draft
        self._theirs = None
        # The screen shows what it wrote: its own write is no news to it.
        self.absorb()
        self._status(_("Saved {time}").format(time=now_text()))

    def _not_saved(self, reason: str) -> None:
        self._status(Text(_("NOT SAVED: {reason}").format(reason=reason), style="bold"))
        self.notify(_("The entry could not be saved: {reason}").format(reason=reason),
                    severity="error", timeout=15, markup=False)

    async def _settle(self, theirs: JournalEntry) -> bool:
        """Their version beside mine, field by field; the user chooses what is kept."""
        base, mine, stored = (Draft.of(self.entry).values(), self._draft.values(),
                              Draft.of(theirs).values())
        labels = {name: _(label) for name, label in LABELS.items()}
        changed = changes(labels, base, mine, stored)
        keep: frozenset[str] | None = frozenset()
        if changed:
            author = self.query_one("#entry-author")
            choices = {"link": self.days.choices(self._draft.link),
                       "method": [(m.label, m.value) for m in DocMethod],
                       "author": ([(n, n) for n in self._author_names(self._draft.author)]
                                  if isinstance(author, Select) else None)}
            keep = await self.app.push_screen_wait(ChangedUnderneathScreen(
                self.editing.kind, Underneath(stored, theirs.version, theirs.updated_by or "?",
                                              theirs.updated_at or ""), changed, choices))
        if keep is None:
            self._warn_theirs(theirs)
            return False  # back to the editor; the next ctrl+s asks again
        result = merged(base, mine, stored, keep)
        self.entry, self._saved, self._theirs = theirs, Draft.of(theirs), None
        self._put(Draft.from_values(result))
        if result == stored:
            self.absorb()
            self._status(_("Their version is kept; nothing of yours was left to save."))
            return True
        return await self._save(ask=True)

    def _put(self, draft: Draft) -> None:
        """Show ``draft`` in the fields (what was chosen), without saving it twice."""
        self._draft = draft
        area = self.query_one("#entry-text", TextArea)
        if area.text != draft.text:
            area.text = draft.text
            area.move_cursor(area.document.end)
        date = self.query_one("#entry-date", Input)
        shown = format_date(draft.date) if draft.date else ""
        if parse_date(date.value, required=False).value != draft.date:
            date.value = shown
        author = self.query_one("#entry-author")
        if isinstance(author, Select):
            author.value = draft.author or Select.NULL
        elif isinstance(author, Input) and author.value.strip() != draft.author:
            author.value = draft.author
        self.query_one("#entry-session", Select).value = (
            draft.link.value if draft.link else Select.NULL)
        self.query_one("#entry-method", Select).value = (
            draft.method.value if draft.method else Select.NULL)

    def action_save(self) -> None:
        self.run_worker(self.save(ask=True), group="entry-save")

    def action_close(self) -> None:
        self.run_worker(self._close(), group="entry-save")

    async def _close(self) -> None:
        if await self.save(ask=True):
            self._leave()
            return
        if self._theirs is not None:
            return  # they chose to go back to the text: it stays open
        if await self.app.push_screen_wait(ConfirmScreen(
                _("The entry could not be saved. Leave anyway and lose what you wrote since "
                  "the last save?"), yes=_("Leave"), no=_("Stay"), danger=True)):
            self._leave()

    def _leave(self) -> None:
        self._leaving = True
        self.dismiss(self.entry.id or None)

    def on_unmount(self) -> None:
        # Leaving by any other way (the app quitting, a dropped connection) still keeps
        # the text. Here, on the UI thread: the screen is going, and a thread might not
        # be given the time to finish before the process ends. Nobody is left to ask
        # about someone else's change, so the text goes beside theirs as a new entry.
        with self._writing:  # a save under way finishes first
            if self._written is not None and self._written[0].version > self.entry.version:
                self.entry, self._saved = self._written
            if not self.dirty:
                return
            record = self._draft.applied(self.entry)
            repo = self.store.journal_entries(self.entry.course_id)
            with contextlib.suppress(StoreError, OSError):
                try:
                    if not record.id:
                        repo.add(record)
                    else:
                        repo.save(record, expected_version=self.entry.version)
                except (StaleRecord, RecordNotFound):
                    repo.add(dataclasses.replace(record, id="", created_at=""))
