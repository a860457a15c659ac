"""The topic-wish form: topics typed as their numbers, a period, a course form, a note.

A new wish saves while the form is open; an edit goes through ``Editing`` so that a
colleague's change to the same wish is shown field by field, never overwritten."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tui.domain.ordering import name_key
from tui.domain.parse import Parsed, format_date, parse_date
from tui.domain.places import Institution
from tui.domain.programmes import Programme, Topic, TopicWish
from tui.domain.text import fold, printable
from tui.i18n import Message, _, msg
from tui.store.store import Store
from tui.widgets.form import Editing, Field, FormScreen

_NUMBERS = re.compile(r"\d+(?:\s+\d+)*", re.ASCII)


def topics_parser(topics: Sequence[Topic]) -> Callable[[str], Parsed[list[str]]]:
    """Topics typed as their numbers in the list ("1, 3"), keys or (the start of) names."""

    def parse(text: str) -> Parsed[list[str]]:
        tokens: list[str] = []
        for part in re.split(r"[,;]", text):
            part = part.strip()
            tokens += part.split() if _NUMBERS.fullmatch(part) else ([part] if part else [])
        if not tokens:
            return Parsed(error=msg("Choose at least one topic: write its number, for "
                                    "example 1, 3."))
        keys: list[str] = []
        for token in tokens:
            topic = _topic_for(token, topics)
            if topic is None:
                return Parsed(error=msg('"{text}" is not one of the topics; write their '
                                        "numbers, for example 1, 3.", text=token[:30]))
            if topic.key not in keys:
                keys.append(topic.key)
        return Parsed(value=keys)

    return parse


def _topic_for(token: str, topics: Sequence[Topic]) -> Topic | None:
    if token.isdigit():
        n = int(token)
        return topics[n - 1] if 1 <= n <= len(topics) else None
    folded = fold(token)
    exact = [t for t in topics if folded in (fold(t.name), fold(t.key))]
    if exact:
        return exact[0]
    starts = [t for t in topics if fold(t.name).startswith(folded)]
    return starts[0] if len(starts) == 1 else None


def topic_numbers(keys: Sequence[str], topics: Sequence[Topic]) -> str:
    order = [t.key for t in topics]
    return ", ".join(str(order.index(k) + 1) for k in keys if k in order)


def wish_values(wish: TopicWish, programme: Programme) -> dict[str, str]:
    return {
        "topic_keys": topic_numbers(wish.topic_keys, programme.topics),
        "period_start": format_date(wish.period_start) if wish.period_start else "",
        "period_end": format_date(wish.period_end) if wish.period_end else "",
        "form_key": wish.form_key, "note": wish.note,
        "institution_id": wish.institution_id,
    }


def wish_fields(programme: Programme, wish: TopicWish | None,
                institutions: Mapping[str, Institution] | None) -> list[Field]:
    """``institutions``: the choice of institution, for a new wish made from the
    programme's side (from an institution's side the institution is known)."""
    topics = programme.topics
    listing = "\n".join(f"  {n} {printable(t.name)}" for n, t in enumerate(topics, 1))
    values = wish_values(wish, programme) if wish else dict.fromkeys(
        ("topic_keys", "period_start", "period_end", "form_key", "note"), "")
    fields = [
        Field("topic_keys", _("Topics: their numbers, separated by commas") + "\n" + listing,
              topics_parser(topics), values["topic_keys"], placeholder="1, 3"),
        Field("period_start", _("From"), lambda t: parse_date(t, required=False),
              values["period_start"], placeholder="01-09-2026"),
        Field("period_end", _("To"), lambda t: parse_date(t, required=False),
              values["period_end"], placeholder="30-11-2026"),
        Field("form_key", _("Course form"), value=values["form_key"],
              choices=[(printable(f.name), f.key) for f in programme.forms]),
        Field("note", _("Note"), value=values["note"], multiline=True),
    ]
    if institutions is not None and wish is None:
        choices = sorted(((printable(i.name), i.id) for i in institutions.values()),
                         key=lambda c: name_key(c[0]))
        fields.insert(0, Field("institution_id", _("Institution"), choices=choices,
                               required=True))
    return fields


def check_wish(values: dict[str, Any]) -> list[tuple[str, Message]]:
    start, end = values.get("period_start"), values.get("period_end")
    if start and end and end < start:
        return [("period_end", msg("The period cannot end before it starts ({start}).",
                                   start=format_date(start)))]
    return []


def wish_from(values: dict[str, Any], base: TopicWish) -> TopicWish:
    return dataclasses.replace(
        base, topic_keys=values["topic_keys"], period_start=values["period_start"],
        period_end=values["period_end"], note=values.get("note") or "",
        form_key=values.get("form_key") or "")


def new_wish_form(store: Store, programme: Programme, institution_id: str | None,
                  institutions: Mapping[str, Institution]) -> FormScreen:
    """From an institution (``institution_id``) or from the programme (the form asks
    which institution)."""

    def save(values: dict[str, Any]) -> TopicWish:
        base = TopicWish(programme_id=programme.id,
                         institution_id=institution_id or values["institution_id"])
        return store.topic_wishes.add(wish_from(values, base))

    return FormScreen(_("New topic wish"),
                      wish_fields(programme, None, None if institution_id else institutions),
                      check=check_wish, save=save)


def edit_wish_form(store: Store, wish: TopicWish, programme: Programme) -> FormScreen:
    editing = Editing(
        _("The topic wish"), wish,
        save=lambda values, base: store.topic_wishes.save(
            wish_from(values, base), expected_version=base.version),
        reread=lambda: store.topic_wishes.find(wish.id),
        values=lambda fresh: wish_values(fresh, programme))
    return FormScreen(_("Edit the topic wish"), wish_fields(programme, wish, None),
                      check=check_wish, editing=editing)


def period_words(start: dt.date | None, end: dt.date | None) -> str:
    """The period as a course name says it: "2025" or "2025–2026"."""
    years = sorted({d.year for d in (start, end) if d})
    return "–".join(str(y) for y in years)
