"""The three catalogues of a programme: topics, course forms and learning goals."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any, ClassVar

from textual.binding import Binding, BindingType

from tui.domain.parse import parse_name
from tui.domain.programmes import (
    CourseForm,
    Depth,
    LearningGoal,
    Programme,
    Topic,
    audience_choices,
    audience_label,
)
from tui.domain.text import printable
from tui.i18n import N_, Message, _, language, msg, ngettext
from tui.resources import load_json
from tui.screens.registry.catalogues import CatalogueScreen, catalogue_bindings
from tui.screens.registry.programme_forms import slug, unique_key
from tui.store.store import Store
from tui.views.registry import form_use, goal_ratings, topic_use
from tui.widgets.form import Field
from tui.widgets.record_table import Cell, Column

YES_NO = [(N_("yes"), "yes"), (N_("no"), "no")]


def yes_no() -> list[tuple[str, str]]:
    return [(_(label), value) for label, value in YES_NO]


class TopicsScreen(CatalogueScreen[Topic]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *catalogue_bindings("topics"),
        Binding("s", "suitcase", N_("Suitcase"), id="topics.suitcase", priority=True),
        Binding("f", "five_day", N_("Themes"), id="topics.five_day", priority=True),
    ]
    TITLE_TEXT = N_("Topics of {programme} ({n})")
    NEW_TITLE = N_("New topic")
    EDIT_TITLE = N_("Edit the topic")
    KIND = N_("The topic")
    COLUMNS = (Column(N_("Name"), min_width=20, clip="middle"), Column(N_("Key"), 22),
               Column(N_("Through all"), 8))
    ATTRIBUTE = "topics"

    def cells(self, item: Topic) -> Sequence[Cell]:
        return (item.name, item.key, _("yes") if item.cross_cutting else "")

    def label(self, item: Topic) -> str:
        return printable(item.name)

    def hint(self) -> str:
        from tui.widgets.keys import key_for

        return _("{suitcase} adds the suitcase's four topics and early detection; {five} "
                 "adds the 5-day course's nine themes. Topics already there are kept.").format(
            suitcase=key_for(self, "topics.suitcase"), five=key_for(self, "topics.five_day"))

    def values(self, item: Topic | None) -> dict[str, str]:
        return {"name": printable(item.name) if item else "",
                "cross_cutting": "yes" if item and item.cross_cutting else "no"}

    def fields(self, item: Topic | None) -> list[Field]:
        values = self.values(item)
        return [
            Field("name", _("Name"), lambda t: parse_name(t, N_("Name")), values["name"],
                  required=True),
            Field("cross_cutting", _("Runs through all the other topics"), choices=yes_no(),
                  value=values["cross_cutting"], required=True),
        ]

    def make(self, values: dict[str, Any], old: Topic | None, items: list[Topic]) -> Topic:
        # The key stays when a topic is renamed: courses and wishes refer to it.
        key = old.key if old else unique_key(slug(values["name"], "topic"),
                                             (t.key for t in items))
        return Topic(key=key, name=values["name"], cross_cutting=values["cross_cutting"] == "yes")

    def in_use(self, store: Store, item: Topic) -> str | None:
        courses, wishes = topic_use(store, self.programme_id, item.key)
        if courses or wishes:
            return _("{name} is chosen in {courses} and {wishes}; take it out of those "
                     "first.").format(
                name=printable(item.name),
                courses=ngettext("{n} course", "{n} courses", len(courses)).format(
                    n=len(courses)),
                wishes=ngettext("{n} topic wish", "{n} topic wishes", wishes).format(
                    n=wishes))
        return None

    def _fill(self, kind: str) -> None:
        shipped = [Topic(**t) for t in load_json("topics.json")[kind]]
        if all(t.key in {i.key for i in self.items()} for t in shipped):
            self.notify(_("All {count} are in the catalogue already.").format(
                count=len(shipped)))
            return
        added: list[Topic] = []

        def with_shipped(programme: Programme) -> Programme:
            have = {t.key for t in programme.topics}
            added[:] = [t for t in shipped if t.key not in have]
            return dataclasses.replace(programme, topics=[*programme.topics, *added])

        # Counted against the programme as stored when the change was made: someone may
        # have added some of them meanwhile.
        self.change(with_shipped, lambda: (_(
            "Added {added} topics; {kept} were there already.").format(
            added=len(added), kept=len(shipped) - len(added)),
            added[0].key if added else None))

    def action_suitcase(self) -> None:
        self._fill("suitcase")

    def action_five_day(self) -> None:
        self._fill("five_day_themes")


class FormsScreen(CatalogueScreen[CourseForm]):
    BINDINGS: ClassVar[list[BindingType]] = catalogue_bindings("forms")
    TITLE_TEXT = N_("Course forms of {programme} ({n})")
    NEW_TITLE = N_("New course form")
    EDIT_TITLE = N_("Edit the course form")
    KIND = N_("The course form")
    COLUMNS = (Column(N_("Key"), 12), Column(N_("Name"), min_width=16, clip="middle"),
               Column(N_("Audience"), 14), Column(N_("Depth"), 11))
    ATTRIBUTE = "forms"

    def cells(self, item: CourseForm) -> Sequence[Cell]:
        return (item.key, item.name, item.audience, item.depth.label)

    def label(self, item: CourseForm) -> str:
        return printable(item.name)

    def hint(self) -> str:
        return _("A course form is an audience and a depth, for example leaders in "
                 "overview or staff in depth.")

    def values(self, item: CourseForm | None) -> dict[str, str]:
        return {"key": "", "name": printable(item.name) if item else "",
                "audience": item.audience if item else "",
                "depth": item.depth.value if item else Depth.OVERVIEW.value}

    def fields(self, item: CourseForm | None) -> list[Field]:
        values = self.values(item)
        fields = [
            Field("name", _("Name"), lambda t: parse_name(t, N_("Name")), values["name"],
                  required=True),
            Field("audience", _("Audience (who it is for)"),
                  lambda t: parse_name(t, N_("Audience")), values["audience"],
                  placeholder=_("for example leaders, staff, nursery"), required=True),
            Field("depth", _("Depth"), choices=[(d.label, d.value) for d in Depth],
                  value=values["depth"], required=True),
        ]
        if item is None:
            fields.insert(0, Field("key", _("Key (short, used by courses)"),
                                   lambda t: parse_name(t, N_("Key"), max_length=40),
                                   placeholder="form-1", required=True))
        return fields

    def check(self, values: dict[str, Any], old: CourseForm | None) -> list[tuple[str, Message]]:
        if old is None and values.get("key") in {f.key for f in self.items()}:
            return [("key", msg("The key {key} is used twice.", key=repr(values["key"])))]
        return []

    def make(self, values: dict[str, Any], old: CourseForm | None,
             items: list[CourseForm]) -> CourseForm:
        return CourseForm(key=old.key if old else values["key"], name=values["name"],
                          audience=values["audience"], depth=Depth(values["depth"]))

    def in_use(self, store: Store, item: CourseForm) -> str | None:
        count = form_use(store, self.programme_id, item.key)
        if count:
            return ngettext("{count} course is of the form {name}; change it first.",
                            "{count} courses are of the form {name}; change them first.",
                            count).format(count=count, name=printable(item.name))
        return None


class GoalsScreen(CatalogueScreen[LearningGoal]):
    BINDINGS: ClassVar[list[BindingType]] = catalogue_bindings("goals")
    TITLE_TEXT = N_("Learning goals of {programme} ({n})")
    NEW_TITLE = N_("New learning goal")
    EDIT_TITLE = N_("Edit the learning goal")
    KIND = N_("The learning goal")
    COLUMNS = (Column(N_("Audience"), 14), Column(N_("Goal"), min_width=20),
               Column(N_("Key"), 8))
    ATTRIBUTE = "learning_goals"

    def cells(self, item: LearningGoal) -> Sequence[Cell]:
        return (audience_label(item.audience, self.programme), item.text, item.key)

    def label(self, item: LearningGoal) -> str:
        text = printable(item.text)
        text = text if len(text) <= 60 else text[:59] + "…"
        return f"»{text}«" if language() == "da" else f'"{text}"'

    def ordered(self, items: list[LearningGoal]) -> list[LearningGoal]:
        # Grouped by audience in the order the audiences first appear; goals keep theirs.
        first = {a: n for n, a in reversed(list(enumerate(g.audience for g in items)))}
        return sorted(items, key=lambda g: first[g.audience])

    def hint(self) -> str:
        counts = Counter(g.audience for g in self.items())
        per = ", ".join(f"{audience_label(audience, self.programme)}: {n}"
                        for audience, n in counts.items())
        text = _("Participants rate each goal of their audience before and after the course.")
        return f"{text} {per}" if per else text

    def values(self, item: LearningGoal | None) -> dict[str, str]:
        current = item or self.current()
        return {"audience": current.audience if current else "",
                "text": item.text if item else ""}

    def fields(self, item: LearningGoal | None) -> list[Field]:
        assert self.programme is not None
        values = self.values(item)
        return [
            # Picked from a list: a typed key ("staff") would split one audience in two.
            Field("audience", _("Audience"), value=values["audience"],
                  choices=audience_choices(self.programme), required=True),
            Field("text", _("The goal"), lambda t: parse_name(t, N_("The goal"), max_length=500),
                  values["text"], multiline=True, required=True),
        ]

    def make(self, values: dict[str, Any], old: LearningGoal | None,
             items: list[LearningGoal]) -> LearningGoal:
        if old is not None:
            return dataclasses.replace(old, audience=values["audience"], text=values["text"])
        taken = [g.key for g in items]
        same = [g for g in items if g.audience == values["audience"]]
        # Follow the audience's own numbering ("dp-1" … "dp-7" gets "dp-8").
        prefixes = {m[1] for g in same if (m := re.fullmatch(r"(.+)-\d+", g.key))}
        base = prefixes.pop() if len(prefixes) == 1 else slug(values["audience"], "goal")
        n = len(same) + 1
        key = f"{base}-{n}"
        while key in taken:
            n += 1
            key = f"{base}-{n}"
        return LearningGoal(key=key, audience=values["audience"], text=values["text"])

    def in_use(self, store: Store, item: LearningGoal) -> str | None:
        rated = goal_ratings(store, self.programme_id, item.key)
        if rated:
            return ngettext("Participants have rated this goal {count} time; it stays so that "
                            "their ratings keep their meaning.",
                            "Participants have rated this goal {count} times; it stays so "
                            "that their ratings keep their meaning.", rated).format(count=rated)
        return None
