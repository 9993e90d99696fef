"""Issue 14 item 4 for the nominations pages: they stay fast when the planner's statistics are stale.

As in units/tests/test_stale_statistics.py: the tables are analysed while they hold no live rows on some pages
("0 rows on N pages", as after a bulk delete or a rolled-back import), then filled in bulk without ANALYZE, so
the planner believes them empty. Every page must then answer within a statement timeout of 1 s, enforced by
PostgreSQL itself (no wall-clock assert here). The scope, the inbox's address and its counts by status read
the paths the dossiers and nominations carry (Dossier.unit_path, receiving_unit_path; Nomination's copies),
so no join of nominations, dossiers and units_unit has a row estimate to get wrong; before them, CI logged
800-900 ms for the counts by status alone on far fewer rows.
"""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from awards.engine import award_type_in_force
from conftest import make_user
from nominations.enums import DossierStatus, NominationStatus, RoundKind
from nominations.models import Dossier, Nomination
from nominations.tests.conftest import YEAR
from units.enums import Gender, Role, SchoolLevel, UnitKind
from units.models import Person, Unit

SCHOOLS = 150
PER_DOSSIER = 20  # 3,000 nominations in 150 dossiers
PEOPLE = 100  # per school: 15,000 people, so that a plan reading all of them per row shows

DOSSIER_STATES = [DossierStatus.SENT, DossierStatus.UNDER_APPRAISAL, DossierStatus.RETURNED, DossierStatus.APPRAISED]
NOMINATION_STATES = [NominationStatus.PROPOSED, NominationStatus.RETURNED, NominationStatus.ACCEPTED]
TABLES = "units_unit, units_person, nominations_dossier, nominations_nomination, nominations_attachment"

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics exist only on PostgreSQL")


def _load(office: Unit, mark: str, schools: int) -> Dossier:
    """`schools` schools under `office`, each with a dossier sent to it holding PER_DOSSIER nominations."""
    stamp = datetime.datetime.now().timestamp()
    Unit.objects.bulk_create(
        [
            Unit(
                name=f"Trường {mark} {i}",
                kind=UnitKind.SCHOOL,
                school_level=SchoolLevel.PRIMARY,
                parent=office,
                path=f"tmp-{stamp}-{i}",
                depth=office.depth + 1,
            )
            for i in range(schools)
        ]
    )
    units = list(Unit.objects.filter(name__startswith=f"Trường {mark} ").order_by("pk"))
    for unit in units:
        unit.path = f"{office.path}{unit.pk}/"
    Unit.objects.bulk_update(units, ["path"])
    people = Person.objects.bulk_create(
        [
            Person(
                unit=unit,
                full_name=f"Nguyễn Văn {mark} {unit.pk} {j}",
                name_key=f"nguyen van {mark} {unit.pk} {j}",
                search_key=f"nguyen van {mark} {unit.pk} {j}",
                gender=Gender.MALE,
            )
            for unit in units
            for j in range(PEOPLE)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    dossiers = Dossier.objects.bulk_create(
        [
            Dossier(
                unit=unit,
                round_kind=RoundKind.YEAR_END,
                school_year=YEAR,
                receiving_unit=office,
                status=DOSSIER_STATES[i % len(DOSSIER_STATES)],
                sent_at=now - datetime.timedelta(days=i % 30),
                title=f"Tờ trình {mark} {i}",
            )
            for i, unit in enumerate(units)
        ]
    )
    award = award_type_in_force("LDTT", datetime.date(2026, 5, 1))
    Nomination.objects.bulk_create(
        [
            Nomination(
                dossier=dossier,
                person=person,
                award_type=award,
                summary="Hoàn thành xuất sắc nhiệm vụ.",
                status=NOMINATION_STATES[j % len(NOMINATION_STATES)],
                verdict="eligible",
            )
            for i, dossier in enumerate(dossiers)
            for j, person in enumerate(people[i * PEOPLE : i * PEOPLE + PER_DOSSIER])
        ],
        batch_size=2000,
    )
    return dossiers[-1]


def _estimates(cursor, table: str) -> tuple:
    cursor.execute("SELECT reltuples, relpages FROM pg_class WHERE relname = %s", [table])
    reltuples, relpages = cursor.fetchone()
    return reltuples, relpages > 0


@pytest.mark.django_db
def test_nomination_pages_answer_within_a_second_under_stale_statistics(client, tree, personas):
    office = tree["office_a"]
    _load(office, "Cũ", 3)
    Nomination.objects.filter(dossier__unit__name__startswith="Trường Cũ ").delete()
    Dossier.objects.filter(unit__name__startswith="Trường Cũ ").delete()
    Person.objects.filter(full_name__contains=" Cũ ").delete()
    Unit.objects.filter(name__startswith="Trường Cũ ").delete()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLES}")
    dossier = _load(office, "Mới", SCHOOLS)
    nomination = dossier.nominations.order_by("pk").first()
    with connection.cursor() as cursor:
        # The planner believes the full tables empty.
        stale = {t: _estimates(cursor, t) for t in ("nominations_dossier", "nominations_nomination")}
        assert stale == dict.fromkeys(stale, (0, True))
        cursor.execute("SET statement_timeout = '1s'")
    department_reviewer = make_user("so-cv", tree["dept"], Role.REVIEWER)
    inbox = reverse("nominations:inbox")
    pages = {
        "inbox of the Sở": (department_reviewer, inbox),
        "inbox of the Sở, nominations": (department_reviewer, inbox + "?tab=de-nghi"),
        "filtered nomination list": (department_reviewer, inbox + "?tab=de-nghi&trang_thai_de_nghi=returned&o=ten"),
        "inbox of the Phòng": (personas["reviewer_a"], inbox),
        "inbox of the Phòng, nominations": (personas["reviewer_a"], inbox + "?tab=de-nghi&o=don_vi"),
        "dossier page": (personas["reviewer_a"], reverse("nominations:dossier_detail", args=[dossier.pk])),
        "nomination page": (personas["reviewer_a"], reverse("nominations:nomination_path", args=[nomination.pk])),
        "dossier list of the Sở": (department_reviewer, reverse("nominations:dossier_list")),
    }
    statuses = {}
    try:
        for name, (user, url) in pages.items():
            client.force_login(user)
            statuses[name] = client.get(url).status_code
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    assert statuses == dict.fromkeys(pages, 200)
