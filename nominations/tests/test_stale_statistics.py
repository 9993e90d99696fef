"""Issue 14 item 4 for the nominations pages: they stay fast when the planner's statistics are stale.

The situation and its checks are units/tests/stale.py's (loaded, deleted, analysed at "0 rows on N pages", loaded
again; each page within a statement timeout of 1 s). The scope, the inbox's address and its counts by status read
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
from nominations.models import Dossier, Nomination, PublicNotice
from nominations.tests.conftest import YEAR
from units.enums import Role
from units.models import Unit
from units.tests.stale import OLD, load_schools, load_with_stale_statistics, page_statuses, remove_schools

SCHOOLS = 150
PER_DOSSIER = 20  # 3,000 nominations in 150 dossiers
PEOPLE = 100  # per school: 15,000 people, so that a plan reading all of them per row shows

DOSSIER_STATES = [DossierStatus.SENT, DossierStatus.UNDER_APPRAISAL, DossierStatus.RETURNED, DossierStatus.APPRAISED]
NOMINATION_STATES = [NominationStatus.PROPOSED, NominationStatus.RETURNED, NominationStatus.ACCEPTED]
TABLES = ["units_unit", "units_person", "nominations_dossier", "nominations_nomination", "nominations_attachment"]

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics exist only on PostgreSQL")


def _load(office: Unit, mark: str, schools: int) -> Dossier:
    """`schools` schools under `office`, each with a dossier sent to it holding PER_DOSSIER nominations."""
    units, people = load_schools(office, mark, schools, PEOPLE)
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


def _remove(mark: str) -> None:
    Nomination.objects.filter(dossier__unit__name__startswith=f"Trường {mark} ").delete()
    Dossier.objects.filter(unit__name__startswith=f"Trường {mark} ").delete()
    remove_schools(mark)


@pytest.mark.django_db
def test_nomination_pages_answer_within_a_second_under_stale_statistics(client, tree, personas):
    office = tree["office_a"]
    dossier = load_with_stale_statistics(
        TABLES,
        lambda mark: _load(office, mark, 3 if mark == OLD else SCHOOLS),  # a few to delete, then all
        _remove,
        believed_empty=["nominations_dossier", "nominations_nomination"],
    )
    nomination = dossier.nominations.order_by("pk").first()
    today = timezone.localdate()
    notice = PublicNotice.objects.create(
        unit=office, title="Công khai danh sách đề nghị", starts_on=today, ends_on=today + datetime.timedelta(days=5)
    )
    notice.nominations.set(Nomination.objects.filter(receiving_unit_path=office.path).order_by("pk")[:200])
    department_reviewer = make_user("so-cv", tree["dept"], Role.REVIEWER)
    reviewer = personas["reviewer_a"]
    office_head = make_user("pgd-truong-phong", office, Role.HEAD)
    inbox = reverse("nominations:inbox")
    pages = {
        "inbox of the Sở": (department_reviewer, inbox),
        "inbox of the Sở, nominations": (department_reviewer, inbox + "?tab=de-nghi"),
        "filtered nomination list": (department_reviewer, inbox + "?tab=de-nghi&trang_thai_de_nghi=returned&o=ten"),
        "inbox of the Phòng": (reviewer, inbox),
        "inbox of the Phòng, nominations": (reviewer, inbox + "?tab=de-nghi&o=don_vi"),
        "dossier page": (reviewer, reverse("nominations:dossier_detail", args=[dossier.pk])),
        "nomination page": (reviewer, reverse("nominations:nomination_path", args=[nomination.pk])),
        "dossier list of the Sở": (department_reviewer, reverse("nominations:dossier_list")),
        # nominations/notice.py: on the nominations' own path copies, the nominees read by key.
        "notices of the Phòng": (reviewer, reverse("nominations:notice_list")),
        "notice page": (reviewer, reverse("nominations:notice_detail", args=[notice.pk])),
        "new notice of the Phòng": (reviewer, reverse("nominations:notice_create", args=[office.pk])),
        "objections of the Phòng": (reviewer, reverse("nominations:objection_list")),
        "audit log of the Sở": (personas["admin_dept"], reverse("audit:list")),
        "audit log of the Phòng": (office_head, reverse("audit:list")),
        "audit log of a school": (personas["head_a1"], reverse("audit:list")),
    }

    statuses = page_statuses(client, pages)

    assert statuses == dict.fromkeys(pages, 200)
