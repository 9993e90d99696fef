"""A province at full scale for the performance work of issue 14: `manage.py seed_scale [--scale 1.0] [--seed 1]`.

Grows the demo province (`seed_demo` first, whose accounts stay usable) by `Plan.of(scale)`: at 1.0 about
20 intermediate units (Phòng GD&ĐT with their UBND huyện and UBND xã, and UBND xã that manage schools, as the
demo draws them), 1,470 schools with three teams each and about 40 people per school, five school years of
history (ratings, LĐTT, CSTĐCS, collective titles) and this year's ratings, a Sở-wide campaign and one per
intermediate unit with the schools' registrations, 25,000 nominations in year-end dossiers at every dossier
and nomination state (the decided ones with their decision and award records), councils whose rounds are
closed or published with their ballots counted, and generated documents. With the demo that makes about
1,500 schools, 4,500 teams and 60,000 people. Plus one dossier of 200 nominations under appraisal at Phòng
Bình Lâm, from one school (the load bench opens it).

Rows are written with bulk_create in batches, not through the services (minutes instead of hours); the
derived fields that save() would set are set here with the same helpers (Unit.path/depth/search_key,
Person.name_key/search_key, Dossier and Decision search_key). No history rows. Deterministic: every name,
count and relationship comes from `random.Random(seed)` and today's date, the way `seed_demo` uses it;
only the ids differ between databases.
"""

import hashlib

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from awards.models import AwardRecord
from nominations.models import Nomination
from units.enums import UnitKind
from units.models import Person, Unit

from .artifacts import DocumentSteps
from .ballots import CouncilSteps
from .base import BIG_DOSSIER, BIG_SCHOOL, HISTORY_YEARS, PLACES, Base, Plan, scale_present
from .people import PeopleSteps
from .tree import TreeSteps
from .workflows import WorkflowSteps

__all__ = [
    "BIG_DOSSIER",
    "BIG_SCHOOL",
    "HISTORY_YEARS",
    "Grower",
    "Plan",
    "analyze",
    "first_grown_unit_pk",
    "scale_digest",
    "scale_present",
]


class Grower(TreeSteps, PeopleSteps, WorkflowSteps, CouncilSteps, DocumentSteps, Base):
    """Grows the demo by a `Plan`, step by step (`run`); each step writes its rows in bulk."""

    def run(self) -> dict[str, int]:
        self.published_meetings = []
        steps = [
            ("cây đơn vị", self.tree),
            ("cá nhân, tài khoản", self.people_and_accounts),
            ("lịch sử 5 năm học", self.history),
            ("đăng ký thi đua", self.registrations),
            ("hồ sơ, đề nghị, quyết định", self.dossiers),
            ("hội đồng, phiếu bầu", self.councils),
            ("văn bản đã tạo", self.documents),
        ]
        for label, step in steps:
            started = timezone.now()
            step()
            self._say(f"  {label}: {(timezone.now() - started).total_seconds():.1f} s")
        return dict(self.added)


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL; SQLite has no need)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def scale_digest() -> str:
    """SHA-256 of the grown data's names and relationships, independent of ids: two runs with the same seed
    and scale give the same digest."""
    grown = Unit.objects.filter(pk__gte=first_grown_unit_pk())
    lines = sorted(
        f"u|{u.name}|{u.kind}|{u.parent.name if u.parent else ''}|{u.head.full_name if u.head else ''}"
        for u in grown.select_related("parent", "head")
    )
    lines += sorted(
        f"p|{p.full_name}|{p.unit.name}|{p.date_of_birth}|{p.position}|{p.user.username if p.user else ''}"
        for p in Person.objects.filter(unit__in=grown).select_related("unit", "user")
    )
    lines += sorted(
        f"n|{n.dossier.unit.name}|{n.dossier.status}|{n.person.full_name if n.person else n.unit.name}|"
        f"{n.award_type.code}|{n.status}"
        for n in Nomination.objects.filter(dossier__unit__in=grown).select_related(
            "dossier__unit", "person", "unit", "award_type"
        )
    )
    lines += sorted(
        f"r|{r.person.full_name if r.person else r.unit.name}|{r.award_type.code}|{r.school_year}|{r.decision_number}"
        for r in AwardRecord.objects.filter(Q(person__unit__in=grown) | Q(unit__in=grown)).select_related(
            "person", "unit", "award_type"
        )
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def first_grown_unit_pk() -> int:
    """The first unit the scale data added (its first Phòng): every unit from it on is grown."""
    return Unit.objects.get(kind=UnitKind.OFFICE, name=f"Phòng Giáo dục và Đào tạo huyện {PLACES[0]}").pk
