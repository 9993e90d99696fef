"""Pickers: a text box that searches the user's units (or people) instead of a <select> listing all of them.

At province scale a Sở user sees ~6,000 units and ~60,000 people; a <select> of the units costs a 372 KB
page and ~400 ms of template rendering. A picker renders only what is chosen (one query on the bound ids)
and asks `units:picker` for at most `PICKER_LIMIT` matches as the user types (static/js/unit_picker.js).

Without JavaScript the field still works: the typed text is resolved on submit within the field's
queryset (one match, or one whose name is exactly the text, is taken; several are listed to tick, and the
form answers again).

The field's queryset (set by the view, scoped by the user and the capability the form needs) stays the
only thing that decides what is accepted: an id outside it is refused with Django's own «invalid choice»
message, which never names the object. The suggestions come from a named scope (`SCOPES`): a function of
the user, built from the permission kernel (the built-in ones: READ intersected with one capability) or
registered by another app with its own selector (`register_scope`), so the endpoint never shows more than
the form it serves could list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import urlencode

from core.text import search_key, search_key_q

from .enums import UnitKind
from .models import Person, Unit
from .rules import Cap, people_in_scope, scope_q, unit_scope_q

MAX_PK = 2**63 - 1  # the database's bigint range, as units.selectors.MAX_PK

PICKER_LIMIT = 20
TEXT_SUFFIX = "__q"
# Every kind but teams: the pickers of forms that take a school, an office or an authority.
NOT_TEAMS = tuple(k for k in UnitKind.values if k != UnitKind.TEAM)


class TypedText(str):
    """What the user typed in a picker's text box when nothing was picked (the form resolves it)."""


def unit_label(unit) -> str:
    """The unit with its parent, so that two «Trường Tiểu học Kim Đồng» of two districts differ."""
    return f"{unit.name} ({unit.parent.name})" if unit.parent_id else unit.name


def person_label(person) -> str:
    """The person with their unit (and position), so that namesakes differ."""
    return f"{person.full_name} – {person.position or 'chưa ghi chức vụ'}, {person.unit.name}"


@dataclass(frozen=True)
class PickerKind:
    model: type
    label: Callable
    related: str
    order: tuple[str, ...]
    placeholder: str
    noun: str

    def exact(self, obj, key: str) -> bool:
        names = [obj.name, obj.short_name] if self.model is Unit else [obj.full_name]
        return any(name and search_key(name) == key for name in names)


UNIT = PickerKind(
    Unit, unit_label, "parent", ("depth", "name", "pk"), "Gõ tên đơn vị để tìm (không cần dấu)…", "đơn vị"
)
PERSON = PickerKind(Person, person_label, "unit", ("full_name", "pk"), "Gõ họ tên để tìm (không cần dấu)…", "cá nhân")


@dataclass(frozen=True)
class Scope:
    kind: PickerKind
    rows: Callable  # user -> QuerySet


SCOPES: dict[str, Scope] = {}


def register_scope(name: str, kind: PickerKind, rows: Callable) -> str:
    """Name a set of suggestions (`rows(user)`, a queryset of `kind.model` built by a selector that goes
    through the permission kernel); returns the name for a field's `scope=`."""
    SCOPES[name] = Scope(kind, rows)
    return name


def _units_with(cap: Cap):
    def rows(user):
        units = Unit.objects.filter(unit_scope_q(user))
        return units if cap == Cap.READ else units.filter(scope_q(user, cap))

    return rows


for _cap in Cap:
    register_scope(f"unit:{_cap.value}", UNIT, _units_with(_cap))
    register_scope(f"person:{_cap.value}", PERSON, lambda user, cap=_cap: people_in_scope(user, cap=cap))


def picker_rows(user, *, scope: str, query: str, kinds=(), within: Unit | None = None) -> list:
    """The suggestions of `scope` for `user` matching `query` without diacritics (every word), of `kinds`
    (units), inside `within`'s subtree; at most PICKER_LIMIT + 1 (to say «more»). No query, nothing."""
    chosen = SCOPES[scope]
    if not query.strip():
        return []
    rows = chosen.rows(user).filter(search_key_q("search_key", query))
    if kinds and chosen.kind is UNIT:
        rows = rows.filter(kind__in=list(kinds))
    if within is not None:
        rows = rows.filter(**{"path__startswith" if chosen.kind is UNIT else "unit__path__startswith": within.path})
    return list(rows.select_related(chosen.kind.related).order_by(*chosen.kind.order)[: PICKER_LIMIT + 1])


class PickerWidget(forms.Widget):
    """A search box, the chosen rows as checked chips (untick to remove) and, after a submit without
    JavaScript that matched several rows, those rows to tick."""

    template_name = "units/widgets/unit_picker.html"

    def __init__(self, *, scope: str, kinds=(), within=None, multiple=False, placeholder="", attrs=None):
        super().__init__(attrs)
        if scope not in SCOPES:
            raise ValueError(f"Unknown picker scope {scope!r}")
        self.scope, self.kinds, self.within, self.multiple = scope, tuple(kinds), within, multiple
        self.kind = SCOPES[scope].kind
        self.placeholder = placeholder or self.kind.placeholder
        self.candidates: list = []  # set by the field when typed text matched several rows

    def __deepcopy__(self, memo):
        obj = super().__deepcopy__(memo)
        obj.candidates = []  # each form's own
        return obj

    @property
    def allow_multiple_selected(self):
        return self.multiple

    def value_from_datadict(self, data, files, name):
        text = (data.get(f"{name}{TEXT_SUFFIX}") or "").strip()
        if self.multiple:
            ids = data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])
            return [*ids, TypedText(text)] if text else ids
        if text:
            return TypedText(text)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}{TEXT_SUFFIX}" not in data

    def format_value(self, value):
        if value is None or value == "":
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [v if isinstance(v, TypedText) else str(getattr(v, "pk", v)) for v in values if v not in ("", None)]

    def chosen_rows(self, ids: list[str]) -> list:
        """The bound rows, read in one query from the field's queryset (an id outside it shows nothing)."""
        # ASCII digits within the database's range ("²" is a digit to isdigit() and no id to int()).
        ids = [i for i in ids if i.isascii() and i.isdigit() and int(i) <= MAX_PK]
        queryset = getattr(self.choices, "queryset", None)
        if not ids or queryset is None:
            return []
        return list(queryset.filter(pk__in=ids).select_related(self.kind.related).order_by(*self.kind.order))

    def search_url(self) -> str:
        params = {"scope": self.scope}
        if self.kinds:
            params["kinds"] = ",".join(self.kinds)
        if self.within is not None:
            params["within"] = self.within.pk
        return f"{reverse('units:picker')}?{urlencode(params)}"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = self.format_value(value)
        typed = next((v for v in values if isinstance(v, TypedText)), "")
        ids = [v for v in values if not isinstance(v, TypedText)]
        widget = context["widget"]
        widget_id = widget["attrs"].get("id") or f"id_{name}"
        label = self.kind.label
        widget.update(
            {
                "id": widget_id,
                "text_name": f"{name}{TEXT_SUFFIX}",
                # After a choice among candidates the box is empty, so the ticked one wins on resubmit.
                "typed": "" if self.candidates else typed,
                "typed_query": typed,
                "chosen": [(row.pk, label(row)) for row in self.chosen_rows(ids)],
                "candidates": [(row.pk, label(row)) for row in self.candidates],
                "multiple": self.multiple,
                "noun": self.kind.noun,
                "search_url": self.search_url(),
                "placeholder": self.placeholder,
            }
        )
        return context


class _TypedResolver:
    """Turns typed text into one row of the field's queryset, or a refusal listing the candidates."""

    def resolve_typed(self, text: str):
        kind = self.widget.kind
        matches = list(
            self.queryset.filter(search_key_q("search_key", text))
            .select_related(kind.related)
            .order_by(*kind.order)[: PICKER_LIMIT + 1]
        )
        key = search_key(text)
        exact = [row for row in matches if kind.exact(row, key)]
        if len(exact) == 1:
            return exact[0]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValidationError(f"Không tìm thấy {kind.noun} nào khớp «{text}». Hãy gõ lại tên.", code="picker_none")
        self.widget.candidates = matches[:PICKER_LIMIT]
        more = f" (chỉ hiện {PICKER_LIMIT} kết quả đầu, hãy gõ thêm để thu hẹp)" if len(matches) > PICKER_LIMIT else ""
        raise ValidationError(
            f"Có nhiều {kind.noun} khớp «{text}»{more}: hãy chọn trong danh sách bên dưới rồi gửi lại.",
            code="picker_many",
        )


def _widget(kwargs, *, multiple: bool, default_scope: str) -> PickerWidget:
    return PickerWidget(
        scope=kwargs.pop("scope", default_scope),
        kinds=kwargs.pop("kinds", ()),
        within=kwargs.pop("within", None),
        multiple=multiple,
        placeholder=kwargs.pop("placeholder", ""),
    )


class _PickerField(_TypedResolver, forms.ModelChoiceField):
    default_scope = "unit:read"

    def __init__(self, *args, **kwargs):
        # django-filter's ChoiceFilter hands these to every choice field; a picker has no null choice.
        kwargs.pop("null_label", None)
        kwargs.pop("null_value", None)
        kwargs.setdefault("queryset", None)
        kwargs["widget"] = _widget(kwargs, multiple=False, default_scope=self.default_scope)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, TypedText):
            return self.resolve_typed(value)
        return super().to_python(value)


class _MultiplePickerField(_TypedResolver, forms.ModelMultipleChoiceField):
    default_scope = "unit:read"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", None)
        kwargs["widget"] = _widget(kwargs, multiple=True, default_scope=self.default_scope)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        values = list(value or [])
        ids = [v for v in values if not isinstance(v, TypedText)]
        for text in (v for v in values if isinstance(v, TypedText)):
            ids.append(str(self.resolve_typed(text).pk))
        for pk in map(str, ids):
            # Past the bigint range SQLite raises OverflowError on the IN list (PostgreSQL finds nothing).
            if pk.isascii() and pk.isdigit() and int(pk) > MAX_PK:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super().clean(ids)

    def has_changed(self, initial, data):
        return super().has_changed(initial, [v for v in (data or []) if not isinstance(v, TypedText)])


class UnitPickerField(_PickerField):
    """A ModelChoiceField over units rendered as a picker. `scope` (a name of SCOPES, e.g. "unit:administer")
    and `kinds` narrow the suggestions the way the view narrows `queryset` (which alone decides)."""


class UnitMultiplePickerField(_MultiplePickerField):
    """The multi-select variant: several chips; typed text adds one unit on submit."""


class PersonPickerField(_PickerField):
    """A ModelChoiceField over people rendered as a picker (`scope` e.g. "person:manage_people")."""

    default_scope = "person:read"


class PersonMultiplePickerField(_MultiplePickerField):
    default_scope = "person:read"


class UnitPickerFilter(django_filters.ModelChoiceFilter):
    """django-filter's ModelChoiceFilter with a picker: `scope`/`kinds` as for UnitPickerField."""

    field_class = UnitPickerField
