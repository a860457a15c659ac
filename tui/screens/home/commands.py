"""The command palette's finder: screens, programmes and courses by name."""

from __future__ import annotations

import asyncio
import heapq
import re
from collections.abc import Awaitable, Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.domain.courses import Course
from tui.domain.ordering import name_key, natural_key
from tui.domain.programmes import Programme
from tui.i18n import _
from tui.store.errors import StoreError

if TYPE_CHECKING:
    from tui.screens.host import Host

Command = Callable[[], object] | Callable[[], Awaitable[object]]
# The palette shows this many hits: a national programme has 6,000 course entries, and
# building an option for each took the palette 675 ms a key, with keys not echoed meanwhile.
SHOWN = 40


def ranker(wanted: str) -> Callable[[str], tuple[int, int] | None]:
    """How well a name matches what was typed (both folded with ``name_key``), best
    first; None: not at all. A cheap first pass (prefix, word start, anywhere, letters in
    order), so that Textual's fuzzy matcher highlights only the hits that will be shown.
    Made once per key: the letters-in-order pattern is compiled once, not looked up in
    the regex cache for each of 6,000 entries."""
    word_start = f" {wanted}"
    in_order = _in_order(wanted).search

    def rank_one(folded: str) -> tuple[int, int] | None:
        if folded.startswith(wanted):
            tier = 0
        elif word_start in folded:
            tier = 1
        elif wanted in folded:
            tier = 2
        elif in_order(folded):
            tier = 3
        else:
            return None
        return tier, len(folded)

    return rank_one


def _in_order(wanted: str) -> re.Pattern[str]:
    return re.compile(".*?".join(map(re.escape, wanted.replace(" ", ""))))


# What a record's entry opens: ("course", id), ("attendance", id), ("journals", id) or
# ("programmes", ""). Plain strings, not a bound method in a partial: the palette holds
# 6,000 entries, and tuples of strings are left out of the collector's walks.
Target = tuple[str, str]
# The folded name, the name, the help text, and what it runs or opens.
Entry = tuple[str, str, str, Command | Target]


class KuffertCommands(Provider):
    """Finds Kuffert's screens and the records shown on the overview.

    Records are read from the store once when the palette opens, in a thread: typing
    in the palette must not wait for the disk.
    """

    @property
    def kuffert(self) -> Host:
        return cast("Host", self.app)

    def _screens(self) -> Iterator[tuple[str, str, Command]]:
        app = self.kuffert
        yield _("Overview"), _("Programmes, courses and postponed days"), app.action_dashboard
        for mode, name, help_text in (
            ("courses", _("Courses"), _("All courses, with filters and search")),
            ("people", _("People"), _("The people registry and CSV import")),
            ("programmes", _("Programmes"), _("Programmes, topics, course forms and goals")),
            ("places", _("Places"), _("Municipalities, towns, settlements and institutions")),
            ("reports", _("Reports"), _("Figures for ministries, municipalities and funders")),
        ):
            yield name, help_text, partial(app.action_section, mode)
        yield (_("Conflicts"), _("Records changed both in the office and in the field"),
               app.open_conflicts)
        yield _("Keys and help"), _("All keys on this screen"), app.action_help

    async def startup(self) -> None:
        # Read once per opening of the palette, off the UI thread: from any screen, and
        # a course another user just added is found too. Folded and ordered once, there,
        # so that a key costs string comparisons only; the courses read are not kept.
        records = await asyncio.to_thread(self._read)
        self._entries: list[Entry] = [
            (name_key(name), name, help_text, command)
            for name, help_text, command in self._screens()] + records

    def _read(self) -> list[Entry]:
        store = self.kuffert.store
        try:
            programmes, courses = store.programmes.all(), store.courses.all()
        except StoreError:
            return []  # the screens say what is wrong with the file
        records = sorted(_records(programmes, courses), key=lambda entry: natural_key(entry[0]))
        return [(name_key(name), name, help_text, target)
                for name, help_text, target in records]

    def _command(self, target: Command | Target) -> Command:
        if not isinstance(target, tuple):
            return target
        app = self.kuffert
        kind, record_id = target
        if kind == "course":
            return partial(app.open_course, record_id)
        if kind == "attendance":
            return partial(app.open_attendance, record_id)
        if kind == "journals":
            return partial(app.open_journals, record_id)
        return partial(app.action_section, kind)

    async def discover(self) -> Hits:
        for name, help_text, command in self._screens():
            yield DiscoveryHit(name, command, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        if not query.strip():
            return
        matcher = self.matcher(query)
        if len(query.strip()) >= 3:
            # Free text: the journals' own words, not a name to match.
            label = _("Search the journals for »{query}«").format(query=query.strip())
            yield Hit(0.01, label, partial(self.kuffert.search_journals, query.strip()),
                      text=label, help=_("Every course's journal entries, hits in context"))
        rank_one = ranker(name_key(query.strip()))
        ranked = []
        for order, (folded, name, help_text, target) in enumerate(
                getattr(self, "_entries", ())):
            found = rank_one(folded)
            if found is not None:
                ranked.append((found, order, name, help_text, target))
        best = heapq.nsmallest(SHOWN, ranked, key=lambda r: r[:2])
        for position, (_found, _order, name, help_text, target) in enumerate(best):
            # The palette orders by score: ours, so "Hold 1" comes before "Hold 10".
            yield Hit(1.0 - position / (SHOWN + 1), matcher.highlight(name),
                      self._command(target), text=name, help=help_text)


def _records(programmes: list[Programme], courses: list[Course]
             ) -> Iterator[tuple[str, str, Target]]:
    names = {p.id: p.name for p in programmes}
    for p in programmes:
        yield (p.name, _("Programme"), ("programmes", ""))
    for c in courses:
        yield (c.name, _("Course") + f" · {c.status.label} · {names.get(c.programme_id, '')}",
               ("course", c.id))
        yield (_("Attendance") + f" {c.name}", _("Mark attendance for this course"),
               ("attendance", c.id))
        yield (_("Journals") + f" {c.name}", _("Action-learning journals of this course"),
               ("journals", c.id))
