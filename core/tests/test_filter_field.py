"""`{% filter_field %}` (includes/filter_form.html) renders a filter form's field as crispy-forms'
`as_crispy_field` does: the same HTML (elements, attributes, texts; whitespace aside) for every field of every
filter set of the portal's lists, unbound, bound and with errors."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.http import QueryDict
from django.test.html import parse_html

from awards.filters import CatalogFilter, InitiativeFilter, PeopleSearchFilter, RecordFilter
from campaigns.filters import CampaignFilter, CompactFilter, OverviewFilter
from core.templatetags.portal import filter_field
from notifications.filters import NotificationFilter
from units.filters import PersonFilter, UnitFilter
from units.models import Unit

FILTERS = [
    (UnitFilter, {}),
    (PersonFilter, {"units": Unit.objects.none()}),
    (NotificationFilter, {}),
    (CatalogFilter, {}),
    (RecordFilter, {"award_choices": [("LDTT", "Lao động tiên tiến"), ("CSTĐ", "Chiến sĩ <thi đua>")]}),
    (InitiativeFilter, {}),
    (PeopleSearchFilter, {"units": Unit.objects.none()}),
    (CampaignFilter, {}),
    (OverviewFilter, {"queryset": Unit.objects.none()}),
    (CompactFilter, {}),
]
QUERIES = ["", "q=Nguy%E1%BB%85n+%3Cb%3E&o=-name", "year=abc&school_year=1800&kind=x&gender=y&is_active=maybe&page=2"]


@pytest.mark.django_db
@pytest.mark.parametrize("filterset, kwargs", FILTERS, ids=[f.__name__ for f, _ in FILTERS])
@pytest.mark.parametrize("query", QUERIES)
def test_filter_fields_render_as_crispy_renders_them(filterset, kwargs, query):
    # Two forms: crispy changes its widgets' class in place.
    ours = filterset(QueryDict(query), **kwargs).form
    theirs = filterset(QueryDict(query), **kwargs).form
    ours.is_valid(), theirs.is_valid()

    for mine, crispy in zip(ours.visible_fields(), theirs.visible_fields(), strict=True):
        assert parse_html(filter_field(mine)) == parse_html(as_crispy_field(crispy)), mine.name


def test_errors_help_text_and_required_render_as_crispy_renders_them():
    class Form(forms.Form):
        name = forms.CharField(label="Họ <tên>", help_text="Gõ <b>có dấu</b>", max_length=3)
        kind = forms.ChoiceField(choices=[("a", "A & B")], required=True)
        number = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"class": "w-25"}))

    data = {"name": "quá dài", "kind": "z", "number": "x"}
    ours, theirs = Form(data), Form(data)
    ours.is_valid(), theirs.is_valid()

    for mine, crispy in zip(ours.visible_fields(), theirs.visible_fields(), strict=True):
        assert 'class="invalid-feedback"' in filter_field(mine)
        assert parse_html(filter_field(mine)) == parse_html(as_crispy_field(crispy)), mine.name


def test_fields_it_does_not_cover_go_through_crispy(monkeypatch):
    class Form(forms.Form):
        ok = forms.BooleanField(required=False)
        many = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
        one = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)
        file = forms.FileField()

    calls = []
    monkeypatch.setattr("core.templatetags.portal.as_crispy_field", lambda field: calls.append(field.name) or "")
    for field in Form().visible_fields():
        filter_field(field)

    assert calls == ["ok", "many", "one", "file"]
