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


def rank(wanted: str, folded: str) -> tuple[int, int] | None:
    """How well a name matches what was typed (both folded with ``name_key``), best
    first; None: not at all. A cheap first pass (prefix, word start, anywhere, letters in
    order), so that Textual's fuzzy matcher highlights only the hits that will be shown."""
    if folded.startswith(wanted):
        tier = 0
    elif f" {wanted}" in f" {folded}":
        tier = 1
    elif wanted in folded:
        tier = 2
    elif _in_order(wanted).search(folded):
        tier = 3
    else:
        return None
    return tier, len(folded)


def _in_order(wanted: str) -> re.Pattern[str]:
    return re.compile(".*?".join(map(re.escape, wanted.replace(" ", ""))))


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
        # a course another user just added is found too. Folded and ordered once, here,
        # so that a key costs string comparisons only.
        self._found = await asyncio.to_thread(self._read)
        entries = [*self._screens(), *sorted(self._records(),
                                             key=lambda entry: natural_key(entry[0]))]
        self._entries = [(name_key(name), name, help_text, command)
                         for name, help_text, command in entries]

    def _read(self) -> tuple[list[Programme], list[Course]]:
        store = self.kuffert.store
        try:
            return store.programmes.all(), store.courses.all()
        except StoreError:
            return [], []  # the screens say what is wrong with the file

    def _records(self) -> Iterator[tuple[str, str, Command]]:
        app = self.kuffert
        programmes, courses = getattr(self, "_found", ([], []))
        names = {p.id: p.name for p in programmes}
        for p in programmes:
            yield (p.name, _("Programme"), partial(app.action_section, "programmes"))
        for c in courses:
            yield (c.name, _("Course") + f" · {c.status.label} · {names.get(c.programme_id, '')}",
                   partial(app.open_course, c.id))
            yield (_("Attendance") + f" {c.name}", _("Mark attendance for this course"),
                   partial(app.open_attendance, c.id))
            yield (_("Journals") + f" {c.name}", _("Action-learning journals of this course"),
                   partial(app.open_journals, c.id))

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
        wanted = name_key(query.strip())
        ranked = []
        for order, (folded, name, help_text, command) in enumerate(
                getattr(self, "_entries", ())):
            found = rank(wanted, folded)
            if found is not None:
                ranked.append((found, order, name, help_text, command))
        best = heapq.nsmallest(SHOWN, ranked, key=lambda r: r[:2])
        for position, (_found, _order, name, help_text, command) in enumerate(best):
            # The palette orders by score: ours, so "Hold 1" comes before "Hold 10".
            yield Hit(1.0 - position / (SHOWN + 1), matcher.highlight(name), command,
                      text=name, help=help_text)
