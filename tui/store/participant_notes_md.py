"""The participants' side of a course in the journals' Markdown export: their transfer
notes (before, during and after the course) and their ratings of the learning goals."""

from __future__ import annotations

from tui.domain.courses import Course
from tui.domain.journals import TRANSFER_QUESTIONS, TransferStage
from tui.domain.ordering import name_key
from tui.domain.programmes import audience_label
from tui.i18n import _
from tui.store.store import Store


def _md(text: str) -> str:
    # A line starting with "#" would become a heading and break the document's outline.
    return " ".join("\\" + line if line.startswith("#") else line
                    for line in text.strip().splitlines())


def participant_notes_markdown(store: Store, course: Course, people: dict[str, str]) -> str:
    """Empty when the course has neither transfer notes nor ratings."""
    notes = store.transfer_notes(course.id).all()
    ratings = store.ratings(course.id).all()
    if not notes and not ratings:
        return ""
    lines: list[str] = []
    if notes:
        lines += [f"## {_('Transfer notes')}", ""]
        by_person: dict[str, dict[TransferStage, dict[str, str]]] = {}
        for note in notes:
            by_person.setdefault(note.person_id, {})[TransferStage(note.stage)] = note.answers
        for pid in sorted(by_person, key=lambda p: name_key(people.get(p, p))):
            lines += [f"### {_md(people.get(pid, pid))}", ""]
            for stage in TransferStage:
                answers = by_person[pid].get(stage, {})
                written = [(label, answers[key]) for key, label in TRANSFER_QUESTIONS[stage]
                           if answers.get(key, "").strip()]
                if not written:
                    continue
                lines += [f"**{stage.label}**", ""]
                lines += [f"- {_(label)} {_md(text)}" for label, text in written]
                lines.append("")
    if ratings:
        programme = store.programmes.find(course.programme_id)
        goals = {g.key: g for g in (programme.learning_goals if programme else [])}
        lines += [f"## {_('Learning-goal ratings')}", "",
                  f"| {_('Name')} | {_('Learning goal')} | {_('Before')} | {_('After')} |",
                  "|---|---|---:|---:|"]
        for rating in sorted(ratings, key=lambda r: (name_key(people.get(r.person_id, "")),
                                                      r.goal_key)):
            goal = goals.get(rating.goal_key)
            text = (f"{goal.text} ({audience_label(goal.audience, programme)})" if goal
                    else rating.goal_key)
            cells = (people.get(rating.person_id, rating.person_id), text,
                     "" if rating.before is None else str(rating.before),
                     "" if rating.after is None else str(rating.after))
            lines.append("| " + " | ".join(_md(c).replace("|", "\\|") or "–" for c in cells)
                         + " |")
        lines.append("")
    return "\n".join(lines)
