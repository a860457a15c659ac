from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from tui.domain.records import LabelledEnum, Record
from tui.i18n import N_


class PlaceKind(LabelledEnum):
    MUNICIPALITY = "municipality"
    TOWN = "town"
    SETTLEMENT = "settlement"
    SHEEP_STATION = "sheep_station"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.MUNICIPALITY: N_("Municipality"),
            cls.TOWN: N_("Town"),
            cls.SETTLEMENT: N_("Settlement"),
            cls.SHEEP_STATION: N_("Sheep-farming station"),
        }


@dataclass(kw_only=True)
class Place(Record):
    name: str
    kind: PlaceKind
    country: str = "GL"
    # Towns, settlements and stations belong to a municipality; a municipality has none.
    municipality_id: str | None = None


class InstitutionKind(LabelledEnum):
    NURSERY = "nursery"
    KINDERGARTEN = "kindergarten"
    INTEGRATED = "integrated"
    CHILDMINDING = "childminding"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.NURSERY: N_("Nursery"),
            cls.KINDERGARTEN: N_("Kindergarten"),
            cls.INTEGRATED: N_("Integrated daycare"),
            cls.CHILDMINDING: N_("Childminding"),
        }


@dataclass(kw_only=True)
class Institution(Record):
    name: str
    kind: InstitutionKind
    place_id: str | None = None
    administration: str = ""


def distinct_names(places: Iterable[Place]) -> dict[str, str]:
    """Each place's name by id, with its municipality added where another place has the
    same name: Greenland has two Aappilattoq and two Tasiusaq."""
    places = list(places)
    by_id = {p.id: p for p in places}
    counts = Counter(p.name.casefold() for p in places)
    names: dict[str, str] = {}
    for p in places:
        owner = by_id.get(p.municipality_id or "")
        shared = counts[p.name.casefold()] > 1
        names[p.id] = f"{p.name} ({owner.name})" if shared and owner else p.name
    return names
