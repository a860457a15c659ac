"""What the journals list writes: a new journal (a participant's or a PLF group's), a
journal's title and members, deleting one with all it holds, and the private export.

Every form saves while it is open, in a worker thread; a refused save keeps what was
typed. An edit made by someone else meanwhile is shown field by field (``Editing``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from tui.domain.journals import Journal
from tui.domain.parse import Parsed
from tui.i18n import _, msg
from tui.screens.base import dialog_flow
from tui.screens.journals.members import MembersScreen
from tui.screens.journals.naming import journal_title
from tui.screens.journals.reading import CourseJournals, Parts
from tui.store.exports import journals_markdown
from tui.store.outputs import write_private
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.form import Editing, Field, FormScreen

if TYPE_CHECKING:
    from tui.store.store import Store


class JournalsForms:
    """The journals list's actions that write (mixed into ``JournalsScreen``)."""

    app: Any
    store: Store
    course_id: str
    data: CourseJournals
    focus_journal: str | None
    notify: Any
    run_store: Any
    absorb: Callable[..., None]
    reread: Callable[[Parts], None]
    journal_id: Callable[[], str | None]
    _fill: Callable[[], None]

    # -- a new journal ----------------------------------------------------------------------

    @dialog_flow
    async def action_new(self) -> None:
        from tui.screens.journals.journal import JournalScreen

        people = self.data.participants
        if not people:
            self.notify(_("Nobody is enrolled in this course yet, so nobody can keep a "
                          "journal."), severity="warning", markup=False)
            return
        kinds = [(_("One participant"), "person"), (_("A PLF group"), "group")]
        store, cid = self.store, self.course_id

        def check(values: dict[str, Any]) -> list[tuple[str, Any]]:
            if values["kind"] == "person" and not values["person"]:
                return [("person", msg("Choose the participant who keeps the journal."))]
            if values["kind"] == "group" and not values["group"]:
                return [("group", msg("Give the group a name."))]
            return []

        def save(values: dict[str, Any]) -> Journal | None:
            if values["kind"] != "person":
                return None  # a group's journal is stored with its members, next
            return store.journals(cid).add(Journal(
                course_id=cid, title=values["title"] or "", person_id=values["person"]))

        form = FormScreen(_("New journal"), [
            Field("kind", _("Kept by"), choices=kinds, value="person", required=True),
            Field("person", _("Participant (for one participant)"),
                  choices=people_choices(people)),
            Field("group", _("Group name (for a PLF group; the members come next)"),
                  placeholder=_("e.g. PLF Blue Room")),
            Field("title", _("Title: what the journal is about"),
                  placeholder=_("e.g. Quiet children at lunch")),
        ], check=check, save=save)
        values = await self.app.push_screen_wait(form)
        if values is None:
            return
        saved = form.saved
        if values["kind"] == "group":
            members = MembersScreen(
                _("Members of {group}").format(group=values["group"]), people,
                save=lambda chosen: store.journals(cid).add(Journal(
                    course_id=cid, title=values["title"] or "", group_name=values["group"],
                    member_ids=chosen)))
            if await self.app.push_screen_wait(members) is None:
                return
            saved = members.saved
        if isinstance(saved, Journal):
            self.focus_journal = saved.id
            self.app.push_screen(JournalScreen(cid, saved.id))

    # -- a journal's title and members ------------------------------------------------------

    @dialog_flow
    async def action_edit(self) -> None:
        journal = self.data.journal(self.journal_id())
        if journal is None:
            return
        store, cid = self.store, self.course_id
        group = not journal.person_id
        fields = [Field("title", _("Title: what the journal is about"), value=journal.title)]
        if group:
            fields.append(Field("group", _("Group name"), value=journal.group_name,
                                required=True, parse=_parse_group))

        def save(values: dict[str, Any], base: Journal) -> Journal:
            changed = dataclasses.replace(base, title=values["title"] or "")
            if group:
                changed.group_name = values["group"]
            return store.journals(cid).save(changed, expected_version=base.version)

        def values_of(record: Journal) -> dict[str, Any]:
            shown = {"title": record.title}
            return shown | ({"group": record.group_name} if group else {})

        form = FormScreen(_("Edit the journal"), fields, editing=Editing(
            _("The journal"), journal, save=save,
            reread=lambda: store.journals(cid).find(journal.id), values=values_of))
        values = await self.app.push_screen_wait(form)
        saved = form.saved
        if values is None or not isinstance(saved, Journal) or not group:
            return
        people = self.data.participants
        shown = {pid for pid, _name in people}
        # Members who left the course are not in the list; they stay in the group.
        start = [m for m in saved.member_ids if m in shown]

        def save_members(chosen: list[str]) -> Journal:
            return _save_members(store, cid, saved.id, start, chosen)

        await self.app.push_screen_wait(MembersScreen(
            _("Members of {group}").format(group=saved.group_name), people, start,
            save=save_members))

    # -- deleting ---------------------------------------------------------------------------

    @dialog_flow
    async def action_delete(self) -> None:
        journal = self.data.journal(self.journal_id())
        if journal is None:
            return
        data = self.data
        entries = sum(1 for e in data.entries if e.journal_id == journal.id)
        goals = sum(1 for g in data.goals if g.journal_id == journal.id)
        title = journal_title(journal, data.names)
        question = _("Delete the journal “{title}” with its {entries} entries and {goals} "
                     "goals? It cannot be undone.").format(
            title=escape(title), entries=entries, goals=goals)
        if not await self.app.push_screen_wait(
                ConfirmScreen(question, yes=_("Delete"), no=_("Keep"), danger=True)):
            return
        store, cid = self.store, self.course_id

        def deleted(result: tuple[int, int] | None) -> None:
            if result is None:
                self.notify(_("Someone else deleted the journal “{title}” already.").format(
                    title=title), markup=False)
                self.reread(Parts(main=False))
                return
            # What is gone is taken off the list here; the screen need not read again.
            self.data = dataclasses.replace(
                self.data, journals=[j for j in self.data.journals if j.id != journal.id],
                entries=[e for e in self.data.entries if e.journal_id != journal.id],
                goals=[g for g in self.data.goals if g.journal_id != journal.id])
            self.absorb()
            self._fill()
            self.notify(_("Deleted the journal “{title}”: {entries} entries and {goals} "
                          "goals.").format(title=title, entries=result[0], goals=result[1]),
                        markup=False)

        self.run_store(lambda: store.delete_journal(cid, journal.id), deleted,
                       group="journals-write", exclusive=False)

    # -- export and the other screens -------------------------------------------------------

    @dialog_flow
    async def action_export(self) -> None:
        default = "~/" + _("kuffert-journals-{course}.md").format(course=self.course_id)
        values = await self.app.push_screen_wait(FormScreen(_("Export the journals"), [
            Field("path", _("File (Markdown; only you can read it)"), _parse_path,
                  value=default, required=True),
        ]))
        if values is None:
            return
        path: Path = values["path"]
        store, cid = self.store, self.course_id

        def export() -> int:
            text, count = journals_markdown(store, course_id=cid)
            write_private(path, text.encode("utf-8"), database=store.db.layout)
            return count

        def failed(reason: str) -> None:
            self.notify(reason, title=_("The journals were not exported"),
                        severity="error", timeout=15, markup=False)

        self.run_store(export, lambda count: self.notify(
            _("{n} journals written to {path} (readable only by you).").format(
                n=count, path=path), title=_("Export"), timeout=12, markup=False),
            failed=failed, group="journals-export", exclusive=False)

    def action_transfer(self) -> None:
        from tui.screens.journals.transfer import TransferScreen

        self.app.push_screen(TransferScreen(self.course_id))

    def action_ratings(self) -> None:
        from tui.screens.journals.ratings import RatingsScreen

        self.app.push_screen(RatingsScreen(self.course_id))


def _save_members(store: Store, course_id: str, journal_id: str, start: list[str],
                  chosen: list[str]) -> Journal:
    """Who this user added and took away, applied to the members as stored now: a
    member someone else added meanwhile stays in the group."""
    added = [m for m in chosen if m not in start]
    removed = set(start) - set(chosen)
    repo = store.journals(course_id)
    with store.transaction():
        fresh = repo.get(journal_id)
        members = [m for m in fresh.member_ids if m not in removed]
        members += [m for m in added if m not in members]
        return repo.save(dataclasses.replace(fresh, member_ids=members),
                         expected_version=fresh.version)


def people_choices(people: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(escape(name), pid) for pid, name in people]


def _parse_group(text: str) -> Parsed[str]:
    name = " ".join(text.split())
    if not name:
        return Parsed(error=msg("Give the group a name."))
    return Parsed(value=name)


def _parse_path(text: str) -> Parsed[Path]:
    text = text.strip()
    if not text:
        return Parsed(error=msg("Enter the file to write, for example {example}.",
                                example="~/journaler.md"))
    path = Path(text).expanduser()
    if path.is_dir():
        return Parsed(error=msg("{path} is a folder; add a file name.", path=text))
    if not path.parent.is_dir():
        return Parsed(error=msg("The folder {folder} does not exist.",
                                folder=str(path.parent)))
    return Parsed(value=path)
