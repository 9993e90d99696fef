"""Unit pickers: a text box that searches the user's units instead of a <select> listing all of them.

At province scale a Sở user sees ~6,000 units; a <select> of them costs a 372 KB page and ~400 ms of
template rendering. A picker renders only what is chosen (one query on the bound ids) and asks
`units:picker` for at most `PICKER_LIMIT` matches as the user types (static/js/unit_picker.js).

Without JavaScript the field still works: the typed text is resolved on submit within the field's
queryset (one match, or one whose name is exactly the text, is taken; several are listed as choices to
tick, and the form answers again).

The field's queryset (set by the view, scoped by the user and the capability the form needs) stays the
only thing that decides what is accepted: an id outside it is refused with Django's own «invalid choice»
message, which never names the unit. The search endpoint narrows by the same capability (`cap`) and
kinds, always inside what the user may READ, so it never shows more than the user could see elsewhere.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import urlencode

from core.text import search_key, search_key_q

from .enums import UnitKind
from .rules import Cap, scope_q, unit_scope_q

PICKER_LIMIT = 20
# Every kind but teams: the pickers of forms that take a school, an office or an authority.
NOT_TEAMS = tuple(k for k in UnitKind.values if k != UnitKind.TEAM)
TEXT_SUFFIX = "__q"


class TypedText(str):
    """What the user typed in a picker's text box when no unit was picked (the form resolves it)."""


def unit_label(unit) -> str:
    """The unit with its parent, so that two «Trường Tiểu học Kim Đồng» of two districts differ."""
    return f"{unit.name} ({unit.parent.name})" if unit.parent_id else unit.name


def picker_units(user, *, cap: str = Cap.READ, kinds=(), query: str = ""):
    """The units a picker may suggest to `user`: those it holds `cap` on, always within READ, of `kinds`,
    matching `query` without diacritics (every word); at most PICKER_LIMIT + 1 (to say «more»). An empty
    query suggests nothing."""
    if not query.strip():
        return []
    try:
        cap = Cap(cap)
    except ValueError:
        cap = Cap.READ
    from .models import Unit

    units = Unit.objects.filter(unit_scope_q(user))
    if cap != Cap.READ:
        units = units.filter(scope_q(user, cap))
    if kinds:
        units = units.filter(kind__in=list(kinds))
    units = units.filter(search_key_q("search_key", query))
    return list(units.select_related("parent").order_by("depth", "name", "pk")[: PICKER_LIMIT + 1])


class UnitPickerWidget(forms.Widget):
    """A search box, the chosen unit(s) as checked chips (untick to remove) and, after a submit without
    JavaScript that matched several units, those units to tick."""

    template_name = "units/widgets/unit_picker.html"

    def __init__(self, *, cap: str = Cap.READ, kinds=(), multiple: bool = False, placeholder: str = "", attrs=None):
        super().__init__(attrs)
        self.cap, self.kinds, self.multiple = Cap(cap), tuple(kinds), multiple
        self.placeholder = placeholder or "Gõ tên đơn vị để tìm (không cần dấu)…"
        self.candidates: list = []  # set by the field when typed text matched several units

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

    def chosen_units(self, ids: list[str]) -> list:
        """The bound units, read in one query from the field's queryset (an id outside it shows nothing)."""
        ids = [i for i in ids if i.isdigit()]
        queryset = getattr(self.choices, "queryset", None)
        if not ids or queryset is None:
            return []
        return list(queryset.filter(pk__in=ids).select_related("parent").order_by("path"))

    def search_url(self) -> str:
        params = {"cap": self.cap.value}
        if self.kinds:
            params["kinds"] = ",".join(self.kinds)
        return f"{reverse('units:picker')}?{urlencode(params)}"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = self.format_value(value)
        typed = next((v for v in values if isinstance(v, TypedText)), "")
        ids = [v for v in values if not isinstance(v, TypedText)]
        widget = context["widget"]
        widget_id = widget["attrs"].get("id") or f"id_{name}"
        widget.update(
            {
                "id": widget_id,
                "text_name": f"{name}{TEXT_SUFFIX}",
                # After a choice among candidates the box is empty, so the ticked one wins on resubmit.
                "typed": "" if self.candidates else typed,
                "typed_query": typed,
                "chosen": [(u.pk, unit_label(u)) for u in self.chosen_units(ids)],
                "candidates": [(u.pk, unit_label(u)) for u in self.candidates],
                "multiple": self.multiple,
                "search_url": self.search_url(),
                "placeholder": self.placeholder,
            }
        )
        return context


class _TypedResolver:
    """Turns typed text into one unit of the field's queryset, or a refusal listing the candidates."""

    def resolve_typed(self, text: str):
        matches = list(
            self.queryset.filter(search_key_q("search_key", text))
            .select_related("parent")
            .order_by("path")[: PICKER_LIMIT + 1]
        )
        key = search_key(text)
        exact = [u for u in matches if search_key(u.name) == key or (u.short_name and search_key(u.short_name) == key)]
        if len(exact) == 1:
            return exact[0]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValidationError(
                f"Không tìm thấy đơn vị nào khớp «{text}». Hãy gõ lại tên đơn vị.", code="picker_none"
            )
        self.widget.candidates = matches[:PICKER_LIMIT]
        more = " (chỉ hiện 20 đơn vị đầu, hãy gõ thêm để thu hẹp)" if len(matches) > PICKER_LIMIT else ""
        raise ValidationError(
            f"Có nhiều đơn vị khớp «{text}»{more}: hãy chọn một đơn vị trong danh sách bên dưới rồi gửi lại.",
            code="picker_many",
        )


def _widget_kwargs(kwargs, multiple: bool) -> UnitPickerWidget:
    return UnitPickerWidget(
        cap=kwargs.pop("cap", Cap.READ),
        kinds=kwargs.pop("kinds", ()),
        multiple=multiple,
        placeholder=kwargs.pop("placeholder", ""),
    )


class UnitPickerField(_TypedResolver, forms.ModelChoiceField):
    """A ModelChoiceField over units rendered as a picker. `cap` and `kinds` narrow the suggestions the same
    way the view narrows `queryset` (which alone decides what is accepted)."""

    def __init__(self, *args, **kwargs):
        # django-filter's ChoiceFilter hands these to every choice field; a picker has no null choice.
        kwargs.pop("null_label", None)
        kwargs.pop("null_value", None)
        kwargs.setdefault("queryset", None)
        kwargs["widget"] = _widget_kwargs(kwargs, multiple=False)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, TypedText):
            return self.resolve_typed(value)
        return super().to_python(value)


class UnitMultiplePickerField(_TypedResolver, forms.ModelMultipleChoiceField):
    """The multi-select variant: several chips; typed text adds one unit on submit."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", None)
        kwargs["widget"] = _widget_kwargs(kwargs, multiple=True)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        values = list(value or [])
        typed = [v for v in values if isinstance(v, TypedText)]
        ids = [v for v in values if not isinstance(v, TypedText)]
        for text in typed:
            ids.append(str(self.resolve_typed(text).pk))
        return super().clean(ids)

    def has_changed(self, initial, data):
        return super().has_changed(initial, [v for v in (data or []) if not isinstance(v, TypedText)])


class UnitPickerFilter(django_filters.ModelChoiceFilter):
    """django-filter's ModelChoiceFilter with a picker: `cap`/`kinds` as for UnitPickerField."""

    field_class = UnitPickerField
