"""`{% portal_form form %}` renders every form of the portal as `{% crispy form %}` does: the same elements,
attributes and texts (whitespace between tags aside, compared with Django's parse_html), for each form unbound
with its initial data, bound empty (required errors) and bound with invalid values (errors on every field)."""

import datetime
import importlib
import inspect
import types
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.middleware.csrf import get_token
from django.template import Context, Template
from django.test import RequestFactory
from django.test.html import parse_html

from awards.models import AwardType, Initiative
from campaigns.models import Campaign
from core.forms import PortalForm
from core.templatetags import portal_forms
from units.models import EmulationBlock, Person, Unit

CRISPY = Template("{% load crispy_forms_tags %}{% crispy form %}")
OURS = Template("{% load portal_forms %}{% portal_form form %}")


def _portal_forms() -> list[type]:
    """Every PortalForm subclass the portal's apps define (their modules imported, tests and migrations aside)."""
    root = Path(settings.BASE_DIR).resolve()
    for app in apps.get_app_configs():
        path = Path(app.path).resolve()
        if not path.is_relative_to(root) or ".venv" in path.parts:
            continue
        for file in path.rglob("*.py"):
            parts = file.relative_to(root).with_suffix("").parts
            if "tests" in parts or "migrations" in parts or "management" in parts:
                continue
            importlib.import_module(".".join(parts))
    found, todo = [], [PortalForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls is not PortalForm and cls.__module__.split(".")[0] != "core" and not cls.__name__.startswith("_"):
            found.append(cls)
    return sorted(set(found), key=lambda cls: (cls.__module__, cls.__name__))


FORMS = _portal_forms()


@pytest.fixture
def kwargs_for(tree, personas, person_factory):
    """The keyword arguments each form's view passes, with data of the test tree."""
    person_factory(tree["school_a1"])
    values = {
        "units": Unit.objects.order_by("path"),
        "parents": Unit.objects.order_by("path"),
        "owners": Unit.objects.order_by("path"),
        "members": Unit.objects.order_by("path"),
        "launchers": Unit.objects.order_by("path"),
        "teams": Unit.objects.filter(kind="team"),
        "people": Person.objects.order_by("pk"),
        "blocks": EmulationBlock.objects.all(),
        "campaigns": Campaign.objects.all(),
        "award_types": AwardType.objects.all(),
        "award_choices": [("LDTT", "Lao động tiên tiến"), ("CSTD", "Chiến sĩ <thi đua> & khác")],
        "within": tree["office_a"],
        "user": personas["secretary_a1"],
        "unit": tree["school_a1"],
        "dossier": types.SimpleNamespace(unit=tree["school_a1"]),
        "today": datetime.date(2026, 5, 1),
        # The report form reads these of its nomination (its unit's initiatives, none chosen yet).
        "nomination": types.SimpleNamespace(
            is_collective=False,
            person_id=None,
            unit=tree["school_a1"],
            dossier=types.SimpleNamespace(school_year=2025),
            initiatives=Initiative.objects.none(),
        ),
        "candidates": [],
        "groups": [],
        "choices": {"collective_title": AwardType.objects.all(), "collective_commendation": AwardType.objects.all()},
    }

    def build(cls):
        params = inspect.signature(cls.__init__).parameters
        return {name: values[name] for name in params if name in values}

    return build


def _data(form) -> dict:
    """A value no field accepts as it is: text where numbers, dates, choices or ids are expected, and a string
    longer than any length limit, with characters to escape."""
    return {name: "x <b>&\"'" * 80 for name in form.fields}


def _render(template, form, request) -> str:
    # One token for both renders (get_token masks it anew on every call).
    token = request.META.setdefault("test_token", get_token(request))
    return template.render(Context({"form": form, "csrf_token": token}))


@pytest.mark.django_db
@pytest.mark.parametrize("cls", FORMS, ids=[f"{cls.__module__}.{cls.__name__}" for cls in FORMS])
@pytest.mark.parametrize("state", ["unbound", "empty", "invalid"])
def test_portal_form_renders_as_crispy_renders_it(cls, state, kwargs_for):
    request = RequestFactory().get("/")
    kwargs = kwargs_for(cls)

    def make():
        form = cls(**kwargs)
        if state == "empty":
            form = cls({}, {}, **kwargs)
        elif state == "invalid":
            form = cls(_data(form), {}, **kwargs)
        form.is_valid()
        return form

    # Two forms: crispy changes its widgets' class in place.
    ours, theirs = make(), make()
    assert portal_forms.covered(ours), "a helper this path does not write: it would go through crispy"
    html = _render(OURS, ours, request)
    crispy = _render(CRISPY, theirs, request)
    assert parse_html(html) == parse_html(crispy)
    if state == "empty" and any(field.required for field in ours.fields.values()):
        assert "invalid-feedback" in html  # the errors were rendered, not only the empty form


def test_every_form_page_of_the_portal_is_covered():
    """The forms are found (not an empty parametrization) and include those of the `{% crispy %}` pages."""
    names = {cls.__name__ for cls in FORMS}
    assert len(FORMS) >= 40
    assert {"CheckForm", "ImportForm", "ReportForm", "ObjectionResolveForm", "UnitRoleGrantForm"} <= names


def test_a_helper_it_does_not_write_goes_through_crispy(rf):
    from crispy_forms.layout import Layout

    class Form(PortalForm):
        pass

    form = Form()
    form.helper.form_class = "x"
    assert not portal_forms.covered(form)
    form = Form()
    form.helper.layout = Layout()
    assert not portal_forms.covered(form)
    form = Form()
    form.helper.inputs[0].attrs["x"] = "y"
    assert not portal_forms.covered(form)
    form = Form()
    html = _render(OURS, form, rf.get("/"))
    form.helper.form_id = "chosen"
    assert 'id="chosen"' in _render(OURS, form, rf.get("/"))  # crispy's output, with the helper's id
    assert 'id="chosen"' not in html
