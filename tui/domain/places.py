from __future__ import annotations

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
