"""One form for every record: inline validation in words, ctrl+s to save while the form is
open, a question before unsaved input is thrown away, and, for a record someone else
changed meanwhile, their change shown field by field instead of overwritten."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, TextArea

from tui.domain.parse import Parsed
from tui.i18n import N_, Message, _, msg
from tui.store.errors import StaleRecord, StoreError
from tui.widgets.changed_underneath import (
    ChangedUnderneathScreen,
    Underneath,
    changes,
    merged,
)
from tui.widgets.confirm import ConfirmScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.keys import translate_bindings
from tui.widgets.ordered_fields import OrderedInput, OrderedTextArea

Parser = Callable[[str], Parsed[Any]]
CrossCheck = Callable[[dict[str, Any]], list[tuple[str, Message]]]
# Stores the values; runs in a thread. A StoreError keeps the form open with its text.
Saver = Callable[[dict[str, Any]], object]
R = TypeVar("R")


def text_field(value: str) -> Parsed[str]:
    return Parsed(value=value.strip(), error=None)


@dataclass
class Field:
    """A field of a form: what it is called, how its text becomes a value, its start."""

    name: str
    label: str
    parse: Parser = text_field
    value: str = ""
    # (label, value) pairs make the field a choice instead of free text.
    choices: Sequence[tuple[str, Any]] | None = None
    multiline: bool = False
    placeholder: str = ""
    required: bool = False


@dataclass
class Editing(Generic[R]):
    """A stored record in a form. ``save`` applies the values to ``record`` and stores it
    expecting ``record``'s version (a StaleRecord if someone saved since); ``reread``
    fetches it as stored now (None: deleted); ``values`` is what each field would hold
    for a record. After the user settles a change made underneath, ``record`` is the
    newer one, so their changes to fields outside the form are kept too."""

    kind: str  # "The person", in words, for "The person was changed by …"
    record: R
    save: Callable[[dict[str, Any], R], object]
    reread: Callable[[], R | None]
    values: Callable[[R], dict[str, Any]]


class FormScreen(ModalScreen[dict[str, Any] | None]):
    """Dismisses with the parsed values on save, or None when the user gives up."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not a priority binding: a priority key overtakes the letters typed just before
        # it (they are still queued for the field), and a fast typist over SSH would
        # save without the last characters.
        Binding("ctrl+s", "save", N_("Save"), id="form.save"),
        Binding("escape", "cancel", N_("Cancel"), id="form.cancel"),
    ]

    def __init__(self, title: str, fields: Sequence[Field], *,
                 check: CrossCheck | None = None, save: Saver | None = None,
                 editing: Editing[Any] | None = None) -> None:
        super().__init__(classes="form")
        translate_bindings(self)
        self.title_text = title
        self.fields = list(fields)
        self.check = check
        self.save = save
        self.editing = editing
        self.saved: object = None
        self.typed: dict[str, Any] = {}
        self._start = {f.name: f.value for f in self.fields}

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(self.title_text, id="form-title", markup=False)
            with VerticalScroll(id="form-fields"):
                for f in self.fields:
                    yield Label(f.label, classes="form-label", markup=False)
                    yield self._widget_for(f)
                    yield Static("", id=f"error-{f.name}", classes="form-error -clear",
                                 markup=False)
            yield Static("", id="form-problem", classes="form-error -clear", markup=False)
            yield Static(_("ctrl+s saves, escape cancels, tab moves on"), id="form-hint")
        yield KeyFooter()

    def _widget_for(self, f: Field) -> Input | Select[Any] | TextArea:
        wid = f"field-{f.name}"
        if f.choices is not None:
            values = [v for _label, v in f.choices]
            start = f.value if f.value in values else Select.NULL
            return Select(list(f.choices), value=start, id=wid, allow_blank=True,
                          prompt=_("Choose …"))
        if f.multiline:
            return OrderedTextArea(f.value, id=wid, soft_wrap=True)
        return OrderedInput(f.value, placeholder=f.placeholder, id=wid)

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#field-{self.fields[0].name}").focus()

    # -- values -----------------------------------------------------------------------------

    def raw(self, name: str) -> Any:
        widget = self.query_one(f"#field-{name}")
        if isinstance(widget, Select):
            return None if widget.value is Select.NULL else widget.value
        if isinstance(widget, TextArea):
            return widget.text
        assert isinstance(widget, Input)
        return widget.value

    def _parse(self, f: Field) -> Parsed[Any]:
        value = self.raw(f.name)
        if f.choices is not None:
            if value is None and f.required:
                return Parsed(error=msg("Choose one of the options."))
            return Parsed(value=value)
        return f.parse(value)

    def _show(self, name: str, error: Message | str | None) -> None:
        line = self.query_one("#form-problem" if name == "problem" else f"#error-{name}",
                              Static)
        line.update(str(error) if error else "")
        # A field without a problem takes no line: 24 rows hold few fields.
        line.set_class(not error, "-clear")

    def is_dirty(self) -> bool:
        return any(self.raw(f.name) != _unset(self._start[f.name], f) for f in self.fields)

    # -- events -----------------------------------------------------------------------------

    @on(Input.Changed)
    @on(Select.Changed)
    def _validate_one(self, event: Input.Changed | Select.Changed) -> None:
        name = (event.control.id or "").removeprefix("field-")
        f = next((f for f in self.fields if f.name == name), None)
        if f is not None and self.is_mounted:
            self._show(name, self._parse(f).error)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        # Enter in a text field moves on, like tab. Not a screen binding: in a choice,
        # enter picks the option and must leave the focus where the user is looking.
        event.stop()
        self.focus_next()

    async def action_save(self) -> None:
        values: dict[str, Any] = {}
        first_bad: str | None = None
        for f in self.fields:
            parsed = self._parse(f)
            self._show(f.name, parsed.error)
            if parsed.error is not None:
                first_bad = first_bad or f.name
            values[f.name] = parsed.value
        if first_bad is None and self.check is not None:
            for name, problem in self.check(values):
                self._show(name, problem)
                first_bad = first_bad or name
        if first_bad is not None:
            self.query_one(f"#field-{first_bad}").focus()
            self.notify(_("Not saved: the reasons are under the fields."), severity="warning")
            return
        if self.save is not None or self.editing is not None:
            # Saved while the form is still open: if the store refuses (a broken file,
            # someone else's newer change), nothing typed is lost.
            try:
                if self.editing is not None:
                    self.saved = await asyncio.to_thread(
                        self.editing.save, values, self.editing.record)
                else:
                    assert self.save is not None
                    self.saved = await asyncio.to_thread(self.save, values)
            except StaleRecord:
                await self._changed_underneath()
                return
            except StoreError as error:
                self._show("problem", str(error) + " " + _("Nothing you typed is lost."))
                self.query_one("#form-problem").scroll_visible()
                return
        # What was typed, for a caller that may show the form again (a preview said no).
        self.typed = {f.name: self.raw(f.name) for f in self.fields}
        self.dismiss(values)

    async def _changed_underneath(self) -> None:
        editing = self.editing
        assert editing is not None
        try:
            fresh = await asyncio.to_thread(editing.reread)
        except StoreError as error:
            self._show("problem", str(error) + " " + _("Nothing you typed is lost."))
            return
        if fresh is None:
            self._show("problem", _("Someone else deleted this record while you had it "
                                    "open. What you typed is still here; escape leaves."))
            return
        start = {f.name: _unset(self._start[f.name], f) for f in self.fields}
        theirs_start = editing.values(fresh)
        theirs = {f.name: _unset(theirs_start[f.name], f) for f in self.fields}
        mine = {f.name: self.raw(f.name) for f in self.fields}
        changed = changes({f.name: f.label for f in self.fields}, start, mine, theirs)

        def settle(keep: frozenset[str] | None) -> None:
            if keep is None:
                return  # back to the form, nothing saved: the next ctrl+s asks again
            result = merged(start, mine, theirs, keep)
            editing.record = fresh
            self._start = dict(theirs_start)
            for f in self.fields:
                self._set(f, result[f.name])
            if result == theirs:
                self.notify(_("Their version is kept; nothing of yours was left to save."))
                self.dismiss(None)
            else:
                self.call_later(self.action_save)

        if not changed:
            settle(frozenset())  # nothing of the form's changed: save on their version
            return
        self.app.push_screen(ChangedUnderneathScreen(
            editing.kind, Underneath(theirs, fresh.version, fresh.updated_by or "?",
                                     fresh.updated_at or ""),
            changed, {f.name: f.choices for f in self.fields}), settle)

    def _set(self, f: Field, value: Any) -> None:
        widget = self.query_one(f"#field-{f.name}")
        if isinstance(widget, Select):
            widget.value = Select.NULL if value is None else value
        elif isinstance(widget, TextArea):
            if widget.text != value:
                widget.text = value
        elif isinstance(widget, Input) and widget.value != value:
            widget.value = value

    def action_cancel(self) -> None:
        if not self.is_dirty():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(_("Throw away what you typed in this form?"),
                          yes=_("Throw away"), no=_("Keep editing"), danger=True),
            answered,
        )


def _unset(start: str, f: Field) -> Any:
    if f.choices is not None:
        return start if start in [v for _l, v in f.choices] else None
    return start


class PromptField(OrderedInput):
    """A prompt's field. Enter closes the prompt, so the keys typed after it in the same
    packet ("d 3,5 enter down" on the grid) are meant for what is beneath; yet they come
    here, behind the enter, before the prompt has read it, and went on to the app while
    the prompt was still in front: lost, or not, by how fast the prompt closed. They
    wait here until the prompt has read the enter, and are then typed again."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._after_enter: list[events.Key] | None = None

    async def action_submit(self) -> None:
        self._after_enter = []
        await super().action_submit()

    async def _on_key(self, event: events.Key) -> None:
        if self._after_enter is not None:
            self._after_enter.append(events.Key(event.key, event.character))
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    def hand_on(self) -> None:
        """Type the keys kept since the enter, to whatever is in front now (this prompt
        again if it stayed open)."""
        keys, self._after_enter = self._after_enter or [], None
        for key in keys:
            self.app.post_message(key)


class PromptScreen(FormScreen):
    """A one-field form: enter in the field saves, as anyone expects of a prompt (a plain
    form would move the focus on and leave what was typed unsaved)."""

    def _widget_for(self, f: Field) -> Input | Select[Any] | TextArea:
        if f.choices is None and not f.multiline:
            return PromptField(f.value, placeholder=f.placeholder, id=f"field-{f.name}")
        return super()._widget_for(f)

    @on(Input.Submitted)
    async def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            await self.action_save()
        finally:
            if isinstance(event.input, PromptField):
                event.input.hand_on()
