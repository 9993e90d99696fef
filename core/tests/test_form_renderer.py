"""The portal's form renderer writes the stock input and select widgets in Python: the same bytes as Django's
templates, for every such widget, value and attribute kind (core/form_renderer.py)."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from core.form_renderer import INPUT_TEMPLATES, SELECT_TEMPLATE, PortalFormRenderer

STOCK = DjangoTemplates()
FAST = PortalFormRenderer()

ATTRS = [
    {},
    {"class": "form-control", "id": "id_x", "placeholder": 'a "quoted" <b>&</b>'},
    {"required": True, "disabled": False, "maxlength": 100, "step": Decimal("0.5"), "data-x": mark_safe("<i>")},
    {"aria-label": "Đơn vị đang làm việc", "autofocus": True, "min": 1.5},
]
VALUES = [None, "", "Nguyễn Thị Hoa", 'x" onmouseover="y', mark_safe("<b>safe</b>"), 0, 2025, 1.5, Decimal("12.50")]
INPUTS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.SearchInput,
    forms.TelInput,
    forms.ColorInput,
]
CHOICES = [
    [("", "Tất cả"), ("true", "Có"), ("false", "Không")],
    [(1, 2024), (2, Decimal("1.5")), ("<x>", 'a "b" & <c>'), ("s", mark_safe("<em>safe</em>"))],
    [("Nhóm <1>", [("a", "A"), ("b", "B")]), ("c", "C"), (None, [("d", "D")])],
    [],
]


def _both(widget, name, value, attrs):
    return (
        widget.render(name, value, attrs=attrs, renderer=STOCK),
        widget.render(name, value, attrs=attrs, renderer=FAST),
    )


def test_every_stock_input_widget_is_covered_by_the_fast_path():
    assert {w.template_name for w in INPUTS} | {forms.DateInput.template_name} <= INPUT_TEMPLATES


@pytest.mark.parametrize("widget_class", INPUTS)
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("attrs", ATTRS)
def test_input_widgets_render_the_same_bytes_as_the_templates(widget_class, value, attrs):
    stock, fast = _both(widget_class(), "ten <truong>", value, attrs)

    assert fast == stock


@pytest.mark.parametrize("value", [None, "", datetime.date(2025, 5, 31), "31/05/2025"])
def test_date_inputs_render_the_same_bytes_as_the_templates(value):
    for widget in (forms.DateInput(), forms.DateInput(format="%d/%m/%Y"), forms.DateTimeInput(), forms.TimeInput()):
        stock, fast = _both(widget, "ngay", value, {"placeholder": "dd/mm/yyyy"})
        assert fast == stock


@pytest.mark.parametrize("choices", CHOICES)
@pytest.mark.parametrize("value", [None, "", "true", "a", 1, ["a", "d"]])
@pytest.mark.parametrize("attrs", ATTRS)
def test_selects_render_the_same_bytes_as_the_templates(choices, value, attrs):
    for widget in (forms.Select(choices=choices), forms.SelectMultiple(choices=choices)):
        stock, fast = _both(widget, "gioi_tinh", value, attrs)
        assert fast == stock


def test_a_form_renders_the_same_page_with_either_renderer():
    class Form(forms.Form):
        q = forms.CharField(label="Họ tên", required=False)
        year = forms.TypedChoiceField(choices=[(2024, "2024-2025"), (2025, "2025-2026")], coerce=int)
        day = forms.DateField(widget=forms.DateInput(format="%d/%m/%Y"))
        note = forms.CharField(widget=forms.Textarea)
        ok = forms.BooleanField(required=False)

    data = {"q": "<script>", "year": "2025", "day": "31/13/2025", "note": "a & b"}
    assert str(Form(data, renderer=FAST)) == str(Form(data, renderer=STOCK))


def test_an_option_with_a_template_of_its_own_goes_through_the_templates(monkeypatch):
    class Radioish(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Radioish(choices=[("a", "A")])
    calls = []
    monkeypatch.setattr(DjangoTemplates, "render", lambda self, name, *a, **k: calls.append(name) or "")

    widget.render("x", "a", renderer=FAST)

    assert calls == [SELECT_TEMPLATE]


def test_an_overridden_stock_template_turns_the_fast_path_off(monkeypatch, tmp_path):
    class Origin:
        name = str(tmp_path / "django/forms/widgets/input.html")

    class Template:
        origin = Origin()

    renderer = PortalFormRenderer()
    monkeypatch.setattr(type(renderer.engine), "get_template", lambda self, name: Template())

    assert renderer.fast is False


def test_the_portal_renders_forms_with_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "core.form_renderer.PortalFormRenderer"
    assert isinstance(get_default_renderer(), PortalFormRenderer)
    assert PortalFormRenderer().fast is True
