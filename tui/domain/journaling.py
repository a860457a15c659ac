"""Action-learning journals: progress through the nine phases, open goals, search,
transfer-form completeness and the change in participants' learning-goal ratings."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from tui.domain.journals import (
    GoalRating,
    JournalEntry,
    JournalGoal,
    Phase,
    TransferNote,
    TransferStage,
)

# --- progress through the phases ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CycleProgress:
    cycle: int
    phases: frozenset[Phase]

    @property
    def highest(self) -> Phase | None:
        return max(self.phases) if self.phases else None

    @property
    def missing(self) -> list[Phase]:
        """Phases before the highest one that were skipped, to nudge the writer back."""
        top = self.highest
        return [p for p in Phase if top is not None and p < top and p not in self.phases]

    @property
    def implemented(self) -> bool:
        return Phase.IMPLEMENTATION in self.phases


@dataclass(frozen=True, slots=True)
class JournalProgress:
    journal_id: str
    cycles: tuple[CycleProgress, ...]

    @property
    def current_cycle(self) -> int:
        """The latest cycle with an entry; 1 for an empty journal, which starts there."""
        return self.cycles[-1].cycle if self.cycles else 1

    @property
    def current(self) -> CycleProgress:
        if self.cycles:
            return self.cycles[-1]
        return CycleProgress(1, frozenset())

    def cycle(self, number: int) -> CycleProgress:
        for progress in self.cycles:
            if progress.cycle == number:
                return progress
        return CycleProgress(number, frozenset())


def journal_progress(journal_id: str, entries: Iterable[JournalEntry],
                     goals: Iterable[JournalGoal] = ()) -> JournalProgress:
    """``entries`` and ``goals`` may hold other journals' too (a whole course's, say).

    A goal is the work of phase 3 even without an entry there, and its evaluation the
    work of phase 8, so they count for those phases' ticks.
    """
    by_cycle: dict[int, set[Phase]] = defaultdict(set)
    for entry in entries:
        if entry.journal_id == journal_id:
            by_cycle[entry.cycle].add(Phase(entry.phase))
    for goal in goals:
        if goal.journal_id == journal_id:
            by_cycle[goal.cycle].add(Phase.GOALS)
            if goal.outcome is not None:
                by_cycle[goal.cycle].add(Phase.EVALUATION)
    return JournalProgress(
        journal_id,
        tuple(CycleProgress(c, frozenset(by_cycle[c])) for c in sorted(by_cycle)),
    )


def can_start_new_cycle(progress: JournalProgress) -> bool:
    """A new cycle starts from what the last one put into practice (phase 9)."""
    return progress.current.implemented


def goals_lacking_evaluation(
    goals: Iterable[JournalGoal], journal_id: str | None = None
) -> dict[int, list[JournalGoal]]:
    """Goals set in phase 3 still without an outcome from phase 8, by cycle."""
    open_goals: dict[int, list[JournalGoal]] = defaultdict(list)
    for goal in goals:
        if journal_id is not None and goal.journal_id != journal_id:
            continue
        if goal.outcome is None:
            open_goals[goal.cycle].append(goal)
    return dict(sorted(open_goals.items()))


# --- search --------------------------------------------------------------------------

SNIPPET_WIDTH = 60
ELLIPSIS = "…"

# Danish spellings without the special letters (from an English keyboard, or old
# records) must find the real ones and the other way round: both sides fold to these.
_SPELLED_OUT = {"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss"}


def _fold_char(char: str) -> str:
    lower = char.casefold()
    out = []
    for c in lower:
        if c in _SPELLED_OUT:
            out.append(_SPELLED_OUT[c])
            continue
        base = "".join(b for b in unicodedata.normalize("NFD", c) if not unicodedata.combining(b))
        out.append(_SPELLED_OUT.get(base, base))
    return "".join(out)


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """Folded text, and for each folded character the index of its original one."""
    folded: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(unicodedata.normalize("NFC", text)):
        piece = _fold_char(char)
        folded.append(piece)
        origin.extend([i] * len(piece))
    return "".join(folded), origin


def fold(text: str) -> str:
    """Case, accents and æ/ae, ø/oe, å/aa stop mattering once folded."""
    return _fold_with_map(text)[0]


@dataclass(frozen=True, slots=True)
class Hit:
    entry: JournalEntry
    snippet: str
    # Where the match sits in ``snippet``, for highlighting.
    start: int
    end: int
    # How many times the query occurs in the entry.
    count: int


GOAL_PREFIX, EVALUATION_PREFIX = "goal:", "evaluation:"


def searchable(entries: Iterable[JournalEntry],
               goals: Iterable[JournalGoal]) -> list[JournalEntry]:
    """The entries, and each goal (phase 3) and its evaluation (phase 8) as an entry of
    its own, so that a search finds what was written there too. Their ids say what
    they are: "goal:ID" and "evaluation:ID"."""
    found = list(entries)
    for goal in goals:
        found.append(JournalEntry(id=GOAL_PREFIX + goal.id, course_id=goal.course_id,
                                  journal_id=goal.journal_id, phase=Phase.GOALS,
                                  cycle=goal.cycle, text=goal.text))
        if goal.comment.strip():
            found.append(JournalEntry(
                id=EVALUATION_PREFIX + goal.id, course_id=goal.course_id,
                journal_id=goal.journal_id, phase=Phase.EVALUATION, cycle=goal.cycle,
                text=goal.comment))
    return found


TRANSFER_PREFIX = "transfer:"


def searchable_transfer_notes(notes: Iterable[TransferNote]) -> list[JournalEntry]:
    """Each answer of a transfer note as an entry with no journal, id "transfer:NOTE:KEY"
    (``journal_id`` holds the participant's id, for the title)."""
    found = []
    for note in notes:
        for key, text in note.answers.items():
            if text.strip():
                found.append(JournalEntry(id=f"{TRANSFER_PREFIX}{note.id}:{key}",
                                          course_id=note.course_id, journal_id=note.person_id,
                                          phase=Phase.WONDER, text=text))
    return found


def search(
    entries: Iterable[JournalEntry], query: str, *, width: int = SNIPPET_WIDTH
) -> list[Hit]:
    """Entries whose text contains ``query``, each with its first match in context.

    Entries keep the order they were given in. An empty query finds nothing.
    """
    needle = fold(" ".join(query.split()))
    if not needle:
        return []
    hits: list[Hit] = []
    for entry in entries:
        text = unicodedata.normalize("NFC", entry.text)
        haystack, origin = _fold_with_map(text)
        at = haystack.find(needle)
        if at < 0:
            continue
        count = haystack.count(needle)
        start, end = origin[at], origin[at + len(needle) - 1] + 1
        snippet, s_start, s_end = _snippet(text, start, end, width)
        hits.append(Hit(entry, snippet, s_start, s_end, count))
    return hits


def _snippet(text: str, start: int, end: int, width: int) -> tuple[str, int, int]:
    room = max(width - (end - start), 0)
    left = max(start - room // 2, 0)
    right = min(end + (room - (start - left)), len(text))
    # Spend what the right edge could not use on the left.
    left = max(min(left, right - width), 0)
    # Cut at a space, so the snippet does not start or end mid-word, unless that would
    # eat most of the context.
    if left > 0:
        space = text.find(" ", left, start)
        if space != -1 and space - left < 15:
            left = space + 1
    if right < len(text):
        space = text.rfind(" ", end, right)
        if space != -1 and right - space < 15:
            right = space
    # Line breaks become spaces one for one, so the offsets still hold.
    body = "".join(" " if c in "\r\n\t" else c for c in text[left:right])
    prefix = ELLIPSIS if left > 0 else ""
    suffix = ELLIPSIS if right < len(text) else ""
    offset = len(prefix) - left
    return prefix + body + suffix, start + offset, end + offset


# --- transfer forms ------------------------------------------------------------------


def transfer_completeness(
    notes: Iterable[TransferNote], person_ids: Iterable[str] = ()
) -> dict[str, dict[TransferStage, bool]]:
    """Per participant, which stages of the before/during/after form are filled in.

    A stage counts as filled when at least one answer has text. ``person_ids`` adds
    participants who have not written anything yet, so they show as missing.
    """
    result: dict[str, dict[TransferStage, bool]] = {
        pid: dict.fromkeys(TransferStage, False) for pid in person_ids
    }
    for note in notes:
        stages = result.setdefault(note.person_id, dict.fromkeys(TransferStage, False))
        if any(answer.strip() for answer in note.answers.values()):
            stages[TransferStage(note.stage)] = True
    return result


# --- learning-goal ratings -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RatingChange:
    goal_key: str
    mean_before: float | None
    mean_after: float | None
    delta: float | None
    # Participants who rated the goal both before and after.
    n: int


def rating_changes(ratings: Iterable[GoalRating]) -> dict[str, RatingChange]:
    """Per learning goal, the mean rating before and after and the change.

    Only participants with both ratings count: otherwise people who left early (or
    joined late) would shift a mean and show a change nobody made.
    """
    pairs: dict[str, list[tuple[int, int]]] = {}
    for rating in ratings:
        paired = pairs.setdefault(rating.goal_key, [])
        if rating.before is not None and rating.after is not None:
            paired.append((rating.before, rating.after))
    changes: dict[str, RatingChange] = {}
    for key, paired in pairs.items():
        n = len(paired)
        if not n:
            changes[key] = RatingChange(key, None, None, None, 0)
            continue
        before = sum(b for b, _ in paired) / n
        after = sum(a for _, a in paired) / n
        changes[key] = RatingChange(key, before, after, after - before, n)
    return changes
