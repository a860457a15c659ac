"""The programme form and the small texts programmes are shown and keyed with.

A new programme saves while the form is open; an edit goes through ``Editing`` (a
colleague's change to the same programme is shown field by field, and their changes to
its catalogues, which the form does not show, are kept)."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from tui.domain.parse import Parsed, format_date, parse_date, parse_name, parse_target
from tui.domain.programmes import Programme, target_text
from tui.domain.rules import validate_programme
from tui.domain.text import printable
from tui.i18n import N_, Message, _, msg
from tui.store.store import Store
from tui.widgets.form import Editing, Field, FormScreen

_AMOUNT = re.compile(r"(\d{1,9})(?:[.,](\d{1,2}))?(?:\s*(?:kr\.?|dkk))?", re.ASCII | re.I)


def parse_amount(text: str) -> Parsed[float]:
    """An amount in kroner such as an hourly rate: 250, 250,50 or "1 250 kr."; optional."""
    text = re.sub(r"(?<=\d)[ \u00a0](?=\d{3}\b)", "", text.strip())
    if not text:
        return Parsed(value=None)
    m = _AMOUNT.fullmatch(text)
    if not m:
        return Parsed(error=msg('"{text}" is not an amount. Write kroner, for example '
                                "250 or 250,50.", text=text[:30]))
    decimals = m[2] or ""
    return Parsed(value=int(m[1]) + (int(decimals) / 10 ** len(decimals) if decimals else 0))


def format_amount(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:.2f}".removesuffix(".00")
    return text.replace(".", ",")


def format_period(start: Any, end: Any) -> str:
    if not start and not end:
        return ""
    return f"{format_date(start) if start else '…'}–{format_date(end) if end else '…'}"


_SLUG_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def slug(text: str, fallback: str) -> str:
    """A key made from a name: ascii, lowercase, words joined by underscores."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_SLUG_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode()
    return "_".join(re.findall(r"[a-z0-9]+", ascii_text))[:40] or fallback


def unique_key(base: str, taken: Iterable[str]) -> str:
    used = set(taken)
    if base not in used:
        return base
    n = 2
    while f"{base}_{n}" in used:
        n += 1
    return f"{base}_{n}"


def short_name(programme: Programme) -> str:
    """What a programme is called in a course's name: the part before the colon."""
    return programme.name.split(":", 1)[0].strip() or programme.name


# -- the form ------------------------------------------------------------------------------


def programme_values(p: Programme | None) -> dict[str, str]:
    if p is None:
        return dict.fromkeys(("name", "owner", "period_start", "period_end", "funding_pool",
                              "target_participants", "substitute_hourly_rate"), "")
    return {
        "name": printable(p.name), "owner": p.owner,
        "period_start": format_date(p.period_start) if p.period_start else "",
        "period_end": format_date(p.period_end) if p.period_end else "",
        "funding_pool": p.funding_pool, "target_participants": target_text(p),
        "substitute_hourly_rate": format_amount(p.substitute_hourly_rate),
    }


def programme_fields(p: Programme | None) -> list[Field]:
    values = programme_values(p)
    return [
        Field("name", _("Name"), lambda t: parse_name(t, N_("Name")), values["name"],
              required=True),
        Field("owner", _("Owner"), value=values["owner"]),
        Field("period_start", _("Period starts"), lambda t: parse_date(t, required=False),
              values["period_start"], placeholder="01-01-2026"),
        Field("period_end", _("Period ends"), lambda t: parse_date(t, required=False),
              values["period_end"], placeholder="31-12-2027"),
        Field("funding_pool", _("Funding pool"), value=values["funding_pool"]),
        Field("target_participants", _("Target number of participants (e.g. 60 or 60-70)"),
              parse_target, values["target_participants"]),
        Field("substitute_hourly_rate", _("Substitute cover, kroner per hour"),
              parse_amount, values["substitute_hourly_rate"]),
    ]


def programme_from(values: dict[str, Any], base: Programme | None) -> Programme:
    start = base or Programme(name="")
    target = values.get("target_participants") or (None, None)
    return dataclasses.replace(
        start, name=values["name"] or "", owner=values.get("owner") or "",
        period_start=values.get("period_start"), period_end=values.get("period_end"),
        funding_pool=values.get("funding_pool") or "", target_participants=target[0],
        target_max=target[1], substitute_hourly_rate=values.get("substitute_hourly_rate"))


def check_programme(values: dict[str, Any]) -> list[tuple[str, Message]]:
    return validate_programme(programme_from(values, None))


def new_programme_form(store: Store) -> FormScreen:
    return FormScreen(_("New programme"), programme_fields(None), check=check_programme,
                      save=lambda values: store.programmes.add(programme_from(values, None)))


def edit_programme_form(store: Store, programme: Programme) -> FormScreen:
    editing = Editing(
        _("The programme"), programme,
        save=lambda values, base: store.programmes.save(
            programme_from(values, base), expected_version=base.version),
        reread=lambda: store.programmes.find(programme.id),
        values=programme_values)
    return FormScreen(_("Edit {name}").format(name=printable(programme.name)),
                      programme_fields(programme), check=check_programme, editing=editing)
