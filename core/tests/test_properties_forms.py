"""Property: every form of the portal takes any input without raising, and refuses in Vietnamese.

Each form gets, for every field, a value drawn by the field's type: hostile text (control characters, NUL,
right-to-left scripts, emoji, NFD Vietnamese, formula-like text, very long runs), dates out of range or of
no calendar, numbers as strings, ids that do not exist, typed text in the unit pickers. `is_valid()` must
never raise, and every error it reports must be a Vietnamese sentence (never Django's English default).
The forms that save through a service round-trip in their app's test_properties_* file.
"""

import datetime
import types

import pytest
from django import forms
from django.utils.datastructures import MultiValueDict
from hypothesis import given
from hypothesis import strategies as st

from awards import forms as award_forms
from awards.models import AwardType
from campaigns import forms as campaign_forms
from core.tests.hypothesis_profiles import examples
from core.tests.properties import HOSTILE_TEXT, is_vietnamese
from councils import forms as council_forms
from nominations import forms as nomination_forms
from units import forms as unit_forms
from units.models import EmulationBlock, Person, Unit
from units.pickers import TEXT_SUFFIX

DATE_TEXT = st.one_of(
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(
        lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d}"
    ),
    st.dates().map(lambda d: d.isoformat()),
    st.builds(
        lambda d, m, y: f"{d}/{m}/{y}",
        st.integers(-1, 40),
        st.integers(-1, 15),
        st.integers(-10, 100_000),
    ),
    HOSTILE_TEXT,
)
NUMBER_TEXT = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", " 12 ", "١٢", "1_000", "0x10", "1e3", "12.0", "12,5", "--1", "+7"]),
    HOSTILE_TEXT,
)
ID_TEXT = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["", "0", "abc", "1.5", "None", "[1]", "²", "٣", "99999999999999999999", "-1"]),
    HOSTILE_TEXT,
)


def _field_values(field: forms.Field, object_ids: list[int]):
    """A strategy of the raw POST values of one field (a list: a multiple field may send several)."""
    if isinstance(field, forms.DateField):
        one = DATE_TEXT
    elif isinstance(field, forms.TimeField):
        one = st.one_of(st.times().map(str), st.sampled_from(["25:00", "8h", "08:61", "-1:00"]), HOSTILE_TEXT)
    elif isinstance(field, forms.IntegerField):
        one = NUMBER_TEXT
    elif isinstance(field, forms.BooleanField):
        one = st.one_of(st.sampled_from(["on", "", "false", "0", "1", "True"]), HOSTILE_TEXT)
    elif isinstance(field, forms.ModelChoiceField):
        one = st.one_of(st.sampled_from(object_ids or ["1"]).map(str), ID_TEXT)
    elif isinstance(field, forms.ChoiceField):
        known = [str(value) for value, _label in field.choices if not isinstance(_label, list | tuple)]
        one = st.one_of(st.sampled_from(known or [""]), HOSTILE_TEXT)
    else:
        one = HOSTILE_TEXT
    many = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
    return st.lists(one, min_size=0 if many else 1, max_size=3 if many else 1)


def _post(form_class_or_factory, object_ids):
    """A strategy of POST data for every field of the form (plus the pickers' typed-text boxes)."""

    def build(draw):
        form = form_class_or_factory(None)
        data = {}
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            if draw(st.integers(0, 9)) == 0:
                continue  # left out of the POST altogether
            data[key] = draw(_field_values(field, object_ids))
            if hasattr(field.widget, "kind") and draw(st.booleans()):
                data[f"{key}{TEXT_SUFFIX}"] = [draw(HOSTILE_TEXT)]
        return MultiValueDict(data)

    return st.composite(lambda draw: build(draw))()


@pytest.fixture
def forms_under_test(tree, person_factory):
    """Name -> factory(data) of every form a user fills in, with the querysets its view hands it."""
    teacher = person_factory(tree["school_a1"])
    units = Unit.objects.all()
    people = Person.objects.all()
    awards = AwardType.objects.all()
    group = types.SimpleNamespace(people=[teacher])
    registration_choices = {
        key: awards for key in ("title", "commendation", "collective_title", "collective_commendation")
    }
    return {
        "person": lambda data: unit_forms.PersonForm(data, teams=units.filter(parent=tree["school_a1"])),
        "unit": lambda data: unit_forms.UnitForm(data),
        "unit_create": lambda data: unit_forms.UnitCreateForm(data),
        "person_transfer": lambda data: unit_forms.PersonTransferForm(data, units=units),
        "role_grant": lambda data: unit_forms.UnitRoleGrantForm(data),
        "block": lambda data: unit_forms.EmulationBlockForm(data, owners=units, members=units),
        "campaign": lambda data: campaign_forms.CampaignForm(
            data, launchers=units, units=units, blocks=EmulationBlock.objects.all()
        ),
        "phase": lambda data: campaign_forms.PhaseForm(data),
        "campaign_award": lambda data: campaign_forms.CampaignAwardForm(data, award_types=awards),
        "deadline": lambda data: campaign_forms.DeadlineForm(data, units=units),
        "registration": lambda data: campaign_forms.RegistrationForm(
            data, groups=[group], choices=registration_choices, teams=[tree["team_a1"]]
        ),
        "dossier_edit": lambda data: nomination_forms.DossierEditForm(data),
        "override": lambda data: nomination_forms.OverrideForm(data),
        "council": lambda data: council_forms.CouncilForm(data),
        "council_rules": lambda data: council_forms.RulesForm(data),
        "paper_count": lambda data: council_forms.PaperCountForm(data),
        "attendance": lambda data: council_forms.AttendanceForm(data),
        "initiative": lambda data: award_forms.InitiativeForm(data, people=people),
        "recognise": lambda data: award_forms.RecogniseForm(data),
        "revoke": lambda data: award_forms.RevokeForm(data),
        "decision": lambda data: award_forms.DecisionForm(
            data, award_choices=[("LDTT", "Lao động tiên tiến")], people=people, units=units
        ),
        "discipline": lambda data: award_forms.DisciplineForm(data),
        "service_period": lambda data: award_forms.ServicePeriodForm(data),
        "route": lambda data: award_forms.AuthorityRouteForm(data, units=units),
    }


FORM_NAMES = [
    "person",
    "unit",
    "unit_create",
    "person_transfer",
    "role_grant",
    "block",
    "campaign",
    "phase",
    "campaign_award",
    "deadline",
    "registration",
    "dossier_edit",
    "override",
    "council",
    "council_rules",
    "paper_count",
    "attendance",
    "initiative",
    "recognise",
    "revoke",
    "decision",
    "discipline",
    "service_period",
    "route",
]


@pytest.mark.parametrize("name", FORM_NAMES)
@examples(0.1)
@given(data=st.data())
def test_form_never_raises_and_refuses_in_vietnamese(name, forms_under_test, tree, data):
    factory = forms_under_test[name]
    ids = list(Unit.objects.values_list("pk", flat=True)) + list(Person.objects.values_list("pk", flat=True))
    post = data.draw(_post(factory, ids), label="POST")
    form = factory(post)
    valid = form.is_valid()
    # Shown again as the page does after a refusal (widgets read the posted ids: the pickers query them).
    form.as_div()
    if valid:
        return
    english = {
        field: [str(message) for message in messages if not is_vietnamese(message)]
        for field, messages in form.errors.items()
    }
    assert {field: messages for field, messages in english.items() if messages} == {}


def test_the_table_covers_every_form_fixture(forms_under_test):
    assert sorted(forms_under_test) == sorted(FORM_NAMES)


# Found by the property above: a NUL typed in a unit picker's box reached PostgreSQL (a 500).
@pytest.mark.parametrize("typed", ["\x00", "Trường\x00A1", "\x01\x02"])
def test_a_picker_box_with_control_characters_is_refused_in_vietnamese(tree, typed):
    form = campaign_forms.DeadlineForm(
        MultiValueDict({"action": ["register"], "due_date": ["01/06/2026"], f"unit{TEXT_SUFFIX}": [typed]}),
        units=Unit.objects.all(),
    )
    assert not form.is_valid()
    assert all(is_vietnamese(m) for m in form.errors["unit"]), form.errors


# Found by the property above: a posted picker id "²" (a digit to str.isdigit(), no number to int()) or past
# the database's range made the page shown again after the refusal a 500.
@pytest.mark.parametrize("posted", ["²", "٣", "99999999999999999999"])
def test_a_picker_shows_again_with_an_id_that_is_no_number(forms_under_test, posted):
    form = forms_under_test["initiative"](MultiValueDict({"authors": [posted]}))
    assert not form.is_valid()
    assert "authors" in form.as_div()
