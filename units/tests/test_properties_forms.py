"""Property: the person form's valid input saves through person_create and comes back as typed (NFC).

Any input the form accepts either saves (and the saved person, shown again in the form, is valid and the
same) or is refused by the service in Vietnamese with no row written. Names are drawn from plausible
Vietnamese names typed composed or decomposed (NFD), with stray spaces, and from hostile text.
"""

import datetime
import unicodedata

from django.utils.datastructures import MultiValueDict
from hypothesis import given
from hypothesis import strategies as st

from core.exceptions import ServiceError
from core.tests.hypothesis_profiles import examples
from core.tests.properties import HOSTILE_TEXT, is_vietnamese, rolled_back
from core.text import nfc
from units.enums import Gender
from units.forms import PersonForm
from units.models import Person
from units.services import person_create

WORDS = ["Nguyễn", "Trần", "Thị", "Văn", "Hoàng", "Ngọc", "Ánh", "Hương", "Đức", "Quỳnh", "H'Hen", "Niê", "Ksor"]
NAME = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=2, max_size=5)
    .map(" ".join)
    .flatmap(lambda n: st.sampled_from([n, unicodedata.normalize("NFD", n), f"  {n}  ", n.replace(" ", "   ")])),
    HOSTILE_TEXT,
)
DAY = st.one_of(
    st.dates(min_value=datetime.date(1890, 1, 1), max_value=datetime.date(2030, 12, 31)).map(lambda d: f"{d:%d/%m/%Y}"),
    st.just(""),
    HOSTILE_TEXT,
)
POST = st.fixed_dictionaries(
    {
        "full_name": NAME,
        "gender": st.sampled_from(["male", "female", "", "khác"]),
        "date_of_birth": DAY,
        "position": st.one_of(st.sampled_from(["Giáo viên", "Hiệu trưởng", ""]), HOSTILE_TEXT),
        "service_start": DAY,
        "phone": st.one_of(st.sampled_from(["0912 345 678", ""]), HOSTILE_TEXT),
        "email": st.one_of(st.sampled_from(["lan@truong.edu.vn", ""]), HOSTILE_TEXT),
        "is_manager": st.sampled_from(["on", ""]),
        "is_active": st.sampled_from(["on", ""]),
    }
)
FIELDS = ("full_name", "gender", "date_of_birth", "position", "service_start", "phone", "email", "is_manager")


@examples(1.0)
@given(post=POST)
def test_person_form_saves_what_it_accepts_or_the_service_refuses_in_vietnamese(tree, personas, post):
    form = PersonForm(MultiValueDict({k: [v] for k, v in post.items()}))
    if not form.is_valid():
        assert [str(m) for ms in form.errors.values() for m in ms if not is_vietnamese(m)] == []
        return
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    with rolled_back():
        count = Person.objects.count()
        try:
            person = person_create(by=personas["secretary_a1"], unit=tree["school_a1"], **data)
        except ServiceError as refused:
            assert is_vietnamese(refused), str(refused)
            assert Person.objects.count() == count
            return
        saved = Person.objects.get(pk=person.pk)
        expected = {k: nfc(data[k]) if isinstance(data[k], str) else data[k] for k in FIELDS}
        assert {k: getattr(saved, k) for k in FIELDS} == expected
        # Shown again in the form (as the edit page does), the saved person is valid and unchanged.
        again = PersonForm(
            MultiValueDict(
                {
                    k: [v.strftime("%d/%m/%Y") if isinstance(v, datetime.date) else ("on" if v is True else v or "")]
                    for k, v in expected.items()
                }
            )
        )
        assert again.is_valid(), again.errors
        assert {k: again.cleaned_data[k] for k in FIELDS} == expected
        assert saved.gender in Gender.values
