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

import datetime
import hashlib
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from awards import demo as awards_demo
from awards.enums import AuthorityKind, RecordSource, TaskRating
from awards.models import AwardRecord, AwardType, TaskEvaluation
from awards.schoolyear import school_year_of
from awards.services.catalog import pick_award_type
from campaigns.enums import CampaignKind, CampaignStatus, DeadlineAction, RegistrationStatus
from campaigns.models import Campaign, Deadline, Registration, RegistrationCollectiveLine, RegistrationLine
from core.text import fold, joined_search_key, nfc, search_key
from councils import box
from councils.enums import AttendanceStatus, Choice, MeetingStatus, MemberRole, RoundStatus
from councils.models import (
    AgendaItem,
    Attendance,
    Ballot,
    CastRecord,
    Council,
    CouncilMember,
    Meeting,
    ReceiptCode,
    Round,
    VoterRoll,
)
from documents.enums import DocumentStatus
from documents.models import VERIFICATION_ALPHABET, VERIFICATION_LENGTH, GeneratedDocument
from nominations.enums import DossierStatus, NominationStatus, RoundKind
from nominations.models import Decision, Dossier, Nomination
from units.demo import (
    DEMO_PASSWORD,
    GIVEN_FEMALE,
    GIVEN_MALE,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    REFORM_DAY,
    SURNAMES,
    TEAMS,
)
from units.enums import Gender, Role, SchoolLevel, UnitKind
from units.models import Person, Unit, UnitRole
from units.search_keys import person_search_key, unit_search_key

User = get_user_model()
BATCH = 2000
BEFORE_REFORM = REFORM_DAY - datetime.timedelta(days=1)

# Scale 1.0 adds these to the demo (3 Phòng, 2 UBND xã, 30 schools, about 600 people): a province of
# 25 intermediate units, 1,500 schools, 4,500 teams and 60,000 people.
INTERMEDIATES = 20
SCHOOLS = 1470
TEAMS_PER_SCHOOL = 3
NOMINATIONS = 25000
BIG_DOSSIER = 200
HISTORY_YEARS = 5
COUNCIL_SEATS = 5

# The one school whose year-end dossier holds BIG_DOSSIER nominations; its presence marks a grown database.
BIG_SCHOOL = "Trường Tiểu học Thị trấn Bình Lâm"
BIG_DISTRICT = "Bình Lâm"

PLACES = [
    "An Phú", "Tân Lập", "Hòa Bình", "Phú Xuân", "Vĩnh Hưng", "Tiên Lãng", "Mỹ Lộc", "Quảng Yên", "Thanh Hà",
    "Kim Bảng", "Yên Mỹ", "Lạc Sơn", "Cẩm Giàng", "Đức Thọ", "Hương Trà", "Triệu Phong", "Diên Khánh",
    "Châu Thành", "Long Điền", "Tuy Phước", "Nghĩa Hưng", "Hải Hậu", "Kỳ Anh", "Phù Cừ", "Gia Viễn",
]  # fmt: skip
HEROES = [
    "Lê Lợi", "Trần Quốc Toản", "Nguyễn Huệ", "Lý Thường Kiệt", "Quang Trung", "Hai Bà Trưng", "Ngô Quyền",
    "Trần Hưng Đạo", "Phan Bội Châu", "Nguyễn Bỉnh Khiêm", "Lương Thế Vinh", "Tô Hiến Thành", "Đinh Tiên Hoàng",
    "Lê Hồng Phong", "Nguyễn Văn Trỗi", "Hoàng Hoa Thám", "Phan Chu Trinh", "Nguyễn Đình Chiểu", "Bế Văn Đàn",
    "Nguyễn Thái Học", "Phù Đổng", "Hùng Vương", "Yết Kiêu", "Trưng Vương", "Ngô Gia Tự", "Đoàn Thị Điểm",
    "Mạc Đĩnh Chi", "Nguyễn Khuyến", "Tô Vĩnh Diện", "Cao Bá Quát", "Trần Nhân Tông", "Hồ Tùng Mậu",
]  # fmt: skip
FLOWERS = [
    "Hoa Mai", "Hoa Hồng", "Hoa Cúc", "Hoa Lan", "Hoa Phượng", "Tuổi Thơ", "Bình Minh", "Ánh Dương",
    "Sao Mai", "Vành Khuyên", "Thỏ Ngọc", "Bông Sen", "Măng Non", "Búp Sen Hồng", "Hướng Dương", "Chim Én",
]  # fmt: skip
# level, share of the schools (per mille), name prefix, slug prefix, document code
LEVELS = [
    (SchoolLevel.PRESCHOOL, 300, "Mầm non", "mn", "MN"),
    (SchoolLevel.PRIMARY, 350, "Tiểu học", "th", "TH"),
    (SchoolLevel.LOWER_SECONDARY, 280, "THCS", "thcs", "THCS"),
    (SchoolLevel.COMBINED, 40, "TH&THCS", "ttc", "TTC"),
    (SchoolLevel.UPPER_SECONDARY, 30, "THPT", "thpt", "THPT"),  # under the Sở
]
RATINGS = [TaskRating.EXCELLENT, TaskRating.GOOD, TaskRating.COMPLETE, TaskRating.NOT_COMPLETE]
RATING_WEIGHTS = [20, 66, 12, 2]
GOOD_RATINGS = (TaskRating.EXCELLENT, TaskRating.GOOD)
# Dossier states in turn (SENT and UNDER_APPRAISAL twice: May's inboxes); the first ten dossiers cover all.
DOSSIER_CYCLE = [
    DossierStatus.DRAFT,
    DossierStatus.AWAITING_HEAD,
    DossierStatus.SENT,
    DossierStatus.UNDER_APPRAISAL,
    DossierStatus.RETURNED,
    DossierStatus.APPRAISED,
    DossierStatus.FORWARDED,
    DossierStatus.DECIDED,
    DossierStatus.SENT,
    DossierStatus.UNDER_APPRAISAL,
]
N = NominationStatus
# The nominations of a dossier at each state, in turn: states its workflow can have reached.
NOMINATION_CYCLE = {
    DossierStatus.DRAFT: [N.PROPOSED],
    DossierStatus.AWAITING_HEAD: [N.PROPOSED],
    DossierStatus.SENT: [N.PROPOSED],
    DossierStatus.UNDER_APPRAISAL: [
        N.PROPOSED, N.ACCEPTED, N.RETURNED, N.NOT_ACCEPTED, N.PASSED_TO_COUNCIL, N.APPROVED_BY_COUNCIL,
    ],
    DossierStatus.RETURNED: [N.RETURNED, N.PROPOSED, N.ACCEPTED],
    DossierStatus.APPRAISED: [N.ACCEPTED, N.APPROVED_BY_COUNCIL, N.NOT_ACCEPTED],
    DossierStatus.FORWARDED: [N.FORWARDED, N.FORWARDED, N.NOT_ACCEPTED],
    DossierStatus.DECIDED: [N.AWARDED, N.AWARDED, N.AWARDED, N.NOT_AWARDED],
}  # fmt: skip
REGISTRATION_CYCLE = [
    RegistrationStatus.SUBMITTED,
    RegistrationStatus.DRAFT,
    RegistrationStatus.AWAITING_HEAD,
    RegistrationStatus.SUBMITTED,
    RegistrationStatus.RETURNED,
]
# Head, deputy and officers of a Phòng GD&ĐT, and of a UBND xã (its culture and society officers).
OFFICE_STAFF = ("Trưởng phòng", "Phó Trưởng phòng", "Chuyên viên")
COMMUNE_STAFF = ("Chủ tịch", "Phó Chủ tịch", "Công chức văn hóa – xã hội")
SUMMARY = "Hoàn thành tốt nhiệm vụ được giao; tham gia đầy đủ các phong trào thi đua của đơn vị."
SCALE_CAMPAIGN = "Phong trào thi đua “Dạy tốt – học tốt” toàn ngành năm học {year}-{next}"
UNIT_CAMPAIGN = "Kế hoạch thi đua, khen thưởng năm học {year}-{next} – {unit}"
SAMPLE_FILES = 3


@dataclass(frozen=True)
class Plan:
    """How many of each kind `--scale` adds (at least one of each, and enough to show every state)."""

    scale: float
    intermediates: int
    schools: int
    teams: int
    nominations: int  # besides the BIG_DOSSIER ones
    dossiers: int  # besides the big one

    @classmethod
    def of(cls, scale: float) -> "Plan":
        schools = max(1, round(SCHOOLS * scale))
        return cls(
            scale=scale,
            intermediates=max(1, round(INTERMEDIATES * scale)),
            schools=schools,
            teams=(schools + 1) * TEAMS_PER_SCHOOL,  # the big school has its teams too
            nominations=max(6 * len(DOSSIER_CYCLE), round(NOMINATIONS * scale)),
            dossiers=max(len(DOSSIER_CYCLE), schools),
        )


def scale_present() -> bool:
    return Unit.objects.filter(kind=UnitKind.SCHOOL, name=BIG_SCHOOL).exists()


def _slug(text: str) -> str:
    return search_key(text).replace(" ", "").replace("&", "")


def _aware(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@dataclass
class _Place:
    """A new (or demo) intermediate unit that manages schools, with its accounts' prefix."""

    unit: Unit
    code: str
    issuer: str
    is_new: bool = False
    schools: list = field(default_factory=list)


class Grower:
    def __init__(self, *, plan: Plan, seed: int, out=None):
        self.plan = plan
        # bandit: reproducible demo data, not a secret
        self.rng = random.Random(seed)  # nosec B311
        self.out = out
        self.today = timezone.localdate()
        self.year = school_year_of(self.today)
        self.password = make_password(DEMO_PASSWORD)
        self.catalog = list(AwardType.objects.order_by("effective_from"))
        self.awards: dict[tuple, AwardType] = {}
        self.department = Unit.objects.get(kind=UnitKind.DEPARTMENT)
        self.province = Unit.objects.get(kind=UnitKind.PROVINCIAL_AUTHORITY)
        self.added: dict[str, int] = defaultdict(int)
        self.people: dict[int, list[Person]] = defaultdict(list)  # school pk -> its people and its teams'
        self.teams: dict[int, list[Unit]] = {}
        self.ratings: dict[int, str] = {}  # person pk -> this year's rating
        self.places: list[_Place] = []
        self.schools: list[Unit] = []
        self.big: Unit | None = None

    # --- helpers ---------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        if self.out is not None:
            self.out.write(text)

    def _bulk(self, model, rows: list, **kwargs) -> list:
        if rows:
            model.objects.bulk_create(rows, batch_size=BATCH, **kwargs)
            self.added[model.__name__] += len(rows)
        return rows

    def _award(self, code: str, year: int, day: datetime.date | None = None) -> AwardType:
        key = (code, year, day)
        if key not in self.awards:
            self.awards[key] = pick_award_type(self.catalog, code, year, day)
        return self.awards[key]

    def _units(self, specs: list[dict]) -> list[Unit]:
        """Units of one level (their parents saved): inserted, then given their materialised paths."""
        rows = []
        for index, spec in enumerate(specs):
            unit = Unit(**spec)
            unit.search_key = unit_search_key(unit.name, unit.short_name)
            unit.depth = unit.parent.depth + 1 if unit.parent else 0
            unit.path = f"scale-tmp-{index}"
            rows.append(unit)
        self._bulk(Unit, rows)
        for unit in rows:
            unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
        Unit.objects.bulk_update(rows, ["path"], batch_size=BATCH)
        return rows

    def _name(self, used: set, gender: str) -> str:
        rng = self.rng
        for _ in range(50):
            if gender == Gender.FEMALE:
                name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"
            else:
                name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
            if name not in used:
                break
        used.add(name)
        return name

    def _person(self, used: set, unit: Unit, position: str, *, manager=False, female_share=0.7) -> Person:
        rng = self.rng
        gender = Gender.FEMALE if rng.random() < female_share else Gender.MALE
        born = datetime.date(rng.randint(1966, 2000), rng.randint(1, 12), rng.randint(1, 28))
        start = datetime.date(min(born.year + rng.randint(21, 26), self.year), 9, rng.randint(1, 15))
        full_name = nfc(self._name(used, gender))
        return Person(
            unit=unit,
            full_name=full_name,
            name_key=fold(full_name),
            search_key=person_search_key(full_name),
            gender=gender,
            date_of_birth=born,
            position=position,
            is_manager=manager,
            service_start=start,
            phone=f"09{rng.randint(10000000, 99999999)}",
        )

    # --- the tree --------------------------------------------------------------------------------

    def tree(self) -> None:
        rng = self.rng
        places = [
            PLACES[i % len(PLACES)] + (f" {i // len(PLACES) + 1}" if i >= len(PLACES) else "")
            for i in range(self.plan.intermediates)
        ]
        offices = [(i, p) for i, p in enumerate(places) if i % 2 == 0]  # Phòng GD&ĐT, as Bình Lâm is drawn
        communes = [(i, p) for i, p in enumerate(places) if i % 2 == 1]  # UBND xã managing schools (Ngọc Sơn)
        new_offices = self._units(
            [
                {
                    "name": f"Phòng Giáo dục và Đào tạo huyện {place}",
                    "short_name": f"Phòng GD&ĐT {place}",
                    "kind": UnitKind.OFFICE,
                    "parent": self.department,
                    "locality": place,
                    "document_code": "PGDĐT",
                    "parent_body_name": f"UBND HUYỆN {place.upper()}",
                    "head_title": "Trưởng phòng",
                }
                for _i, place in offices
            ]
        )
        committees = self._units(
            [
                {
                    "name": f"Ủy ban nhân dân {level} {place}",
                    "short_name": f"UBND {level} {place}",
                    "kind": kind,
                    "parent": parent,
                    "locality": place,
                    "document_code": "UBND",
                    "head_title": "Chủ tịch",
                    **dates,
                }
                for _i, place in offices
                for level, kind, parent, dates in (
                    ("huyện", UnitKind.DISTRICT_AUTHORITY, self.province, {"active_to": BEFORE_REFORM}),
                    ("xã", UnitKind.COMMUNE_AUTHORITY, self.province, {"active_from": REFORM_DAY}),
                )
            ]
            + [
                {
                    "name": f"Ủy ban nhân dân xã {place}",
                    "short_name": f"UBND xã {place}",
                    "kind": UnitKind.COMMUNE_AUTHORITY,
                    "parent": self.department,
                    "locality": place,
                    "document_code": "UBND",
                    "head_title": "Chủ tịch",
                    "active_from": REFORM_DAY,
                }
                for _i, place in communes
            ]
        )
        by_name = {u.name: u for u in committees}
        for office, (_i, place) in zip(new_offices, offices, strict=True):
            self.places.append(_Place(office, f"pgd-{_slug(place)}", f"UBND huyện {place}", is_new=True))
            self._routes_office(
                office, by_name[f"Ủy ban nhân dân huyện {place}"], by_name[f"Ủy ban nhân dân xã {place}"]
            )
        for _i, place in communes:
            commune = by_name[f"Ủy ban nhân dân xã {place}"]
            self.places.append(_Place(commune, f"xa-{_slug(place)}", f"UBND xã {place}", is_new=True))
            self._routes_commune(commune)
        self.places.sort(key=lambda p: p.unit.name)
        # The demo's intermediate units that manage schools today take their share of the new schools.
        demo_places = Unit.objects.filter(
            kind__in=[UnitKind.OFFICE, UnitKind.COMMUNE_AUTHORITY], parent=self.department
        )
        demo_places = demo_places.exclude(pk__in=[p.unit.pk for p in self.places]).filter(active_to__isnull=True)
        for unit in sorted(demo_places, key=lambda u: u.name):  # Python's order: the same on every database
            label = "UBND huyện" if unit.kind == UnitKind.OFFICE else "UBND xã"
            self.places.append(_Place(unit, f"qm-{_slug(unit.locality or unit.name)}", f"{label} {unit.locality}"))
        self._schools(rng)

    def _routes_office(self, office: Unit, district: Unit, commune: Unit) -> None:
        from awards.services.routes import authority_route_create

        def add(kind, decider, via, start=awards_demo.LAW_2022, end=None, basis=awards_demo.BASIS_DISTRICT):
            authority_route_create(
                unit=office,
                authority_kind=kind,
                decider=decider,
                via=via,
                effective_from=start,
                effective_to=end,
                legal_basis=basis,
                is_verified=False,
                by=None,
            )
            self.added["AuthorityRoute"] += 1

        for kind in (AuthorityKind.DISTRICT_CHAIR, AuthorityKind.UNIT_HEAD):
            add(kind, district, [office], end=BEFORE_REFORM)
        add(AuthorityKind.COMMUNE_CHAIR, commune, [office], start=REFORM_DAY, basis=awards_demo.BASIS_COMMUNE)
        add(AuthorityKind.PROVINCIAL_CHAIR, self.province, [office, self.department], basis=awards_demo.BASIS_PROVINCE)

    def _routes_commune(self, commune: Unit) -> None:
        from awards.services.routes import authority_route_create

        authority_route_create(
            unit=commune,
            authority_kind=AuthorityKind.COMMUNE_CHAIR,
            decider=commune,
            effective_from=REFORM_DAY,
            legal_basis=awards_demo.BASIS_COMMUNE,
            is_verified=True,
            by=None,
        )
        self.added["AuthorityRoute"] += 1

    def _schools(self, rng) -> None:
        levels = []
        for level, share, *_rest in LEVELS:
            levels += [level] * share
        rng.shuffle(levels)
        info = {level: rest for level, _share, *rest in LEVELS}
        specs, meta, taken = [], [], defaultdict(int)
        for index in range(self.plan.schools):
            level = levels[index % len(levels)]
            label, prefix, code = info[level]
            place = (
                None if level == SchoolLevel.UPPER_SECONDARY else self.places[index % len(self.places)]
            )  # THPT under the Sở
            parent = place.unit if place else self.department
            names = FLOWERS if level == SchoolLevel.PRESCHOOL else HEROES
            base = names[rng.randrange(len(names))]
            taken[(parent.pk, level, base)] += 1
            number = taken[(parent.pk, level, base)]
            short = f"{label} {base}" + (f" số {number}" if number > 1 else "")
            locality = parent.locality or "Sơn Hà"
            specs.append(
                {
                    "name": f"Trường {short}",
                    "short_name": short,
                    "kind": UnitKind.SCHOOL,
                    "school_level": level,
                    "parent": parent,
                    "locality": locality,
                    "document_code": code,
                    "parent_body_name": parent.name.upper(),
                    "head_title": "Hiệu trưởng",
                }
            )
            slug = f"{prefix}-{_slug(base)}{number if number > 1 else ''}-{_slug(locality)}"
            meta.append((place, slug))
        bl = Unit.objects.get(kind=UnitKind.OFFICE, name__endswith=BIG_DISTRICT)
        specs.append(
            {
                "name": BIG_SCHOOL,
                "short_name": "Tiểu học Thị trấn Bình Lâm",
                "kind": UnitKind.SCHOOL,
                "school_level": SchoolLevel.PRIMARY,
                "parent": bl,
                "locality": BIG_DISTRICT,
                "document_code": "TH",
                "parent_body_name": bl.name.upper(),
                "head_title": "Hiệu trưởng",
            }
        )
        meta.append((None, "th-thitranbl"))
        schools = self._units(specs)
        self.big = schools[-1]
        self.schools = schools[:-1]
        self.slugs = {school.pk: slug for school, (_place, slug) in zip(schools, meta, strict=True)}
        for school, (place, _) in zip(self.schools, meta[:-1], strict=True):
            if place is not None:
                place.schools.append(school)
        team_specs = [
            {"name": name, "kind": UnitKind.TEAM, "parent": school}
            for school in schools
            for name in TEAMS[school.school_level]
        ]
        teams = self._units(team_specs)
        for school in schools:
            self.teams[school.pk] = [t for t in teams if t.parent_id == school.pk]

    # --- people and accounts ---------------------------------------------------------------------

    def people_and_accounts(self) -> None:
        rng = self.rng
        rows, heads, staff_of_place = [], {}, {}
        for place in self.places:
            if not place.is_new:
                continue  # a demo unit: its staff are the demo's
            used: set = set()
            office = place.unit.kind == UnitKind.OFFICE
            head, vice, officer = OFFICE_STAFF if office else COMMUNE_STAFF
            chief = self._person(used, place.unit, head, manager=True, female_share=0.4)
            deputy = self._person(used, place.unit, vice, manager=True)
            officers = [self._person(used, place.unit, officer) for _ in range(rng.randint(8, 12))]
            rows += [chief, deputy, *officers]
            heads[place.unit.pk] = chief
            staff_of_place[place.unit.pk] = (chief, officers[0])
        schools = [*self.schools, self.big]
        for school in schools:
            used = set()
            principal = self._person(used, school, "Hiệu trưởng", manager=True, female_share=0.6)
            vices = [self._person(used, school, "Phó Hiệu trưởng", manager=True) for _ in range(rng.randint(1, 2))]
            members = [principal, *vices]
            heads[school.pk] = principal
            for team in self.teams[school.pk]:
                office = team.name == "Tổ văn phòng"
                lead = self._person(used, team, "Tổ trưởng")
                heads[team.pk] = lead
                if school is self.big:
                    size = 3 if office else BIG_DOSSIER // 2
                else:
                    size = rng.randint(3, 5) if office else rng.randint(12, 18)
                members += [lead] + [
                    self._person(used, team, "Nhân viên" if office else "Giáo viên") for _ in range(size)
                ]
            secretary = self._person(used, self.teams[school.pk][-1], "Nhân viên văn thư")
            members.append(secretary)
            self.people[school.pk] = members
            staff_of_place[school.pk] = (principal, secretary)
            rows += members
        self._bulk(Person, rows)
        units = {
            u.pk: u for u in [*schools, *[t for ts in self.teams.values() for t in ts], *(p.unit for p in self.places)]
        }
        changed = []
        for unit_pk, person in heads.items():
            unit = units[unit_pk]
            unit.head = person
            if unit.kind == UnitKind.TEAM:
                unit.head_title = "Tổ trưởng"
            changed.append(unit)
        Unit.objects.bulk_update(changed, ["head", "head_title"], batch_size=BATCH)
        self._accounts(staff_of_place)

    def _accounts(self, staff_of_place: dict) -> None:
        users, roles, linked = [], [], []

        def account(username, role, unit, person=None, name=""):
            first, _, last = nfc(person.full_name if person else name).rpartition(" ")
            user = User(username=username, password=self.password, first_name=first, last_name=last)
            users.append(user)
            roles.append((user, unit, role))
            if person is not None:
                linked.append((person, user))
            return user

        for place in self.places:
            if place.unit.pk in staff_of_place:
                head, officer = staff_of_place[place.unit.pk]
                title = "truongphong" if place.unit.kind == UnitKind.OFFICE else "chutich"
                account(f"{place.code}.{title}", Role.HEAD, place.unit, head)
                account(f"{place.code}.chuyenvien", Role.REVIEWER, place.unit, officer)
                account(f"{place.code}.thuky", Role.SECRETARY, place.unit, name="Thư ký TĐKT")
        for school in [*self.schools, self.big]:
            head, secretary = staff_of_place[school.pk]
            slug = self.slugs[school.pk]
            account(f"{slug}.hieutruong", Role.HEAD, school, head)
            account(f"{slug}.thuky", Role.SECRETARY, school, secretary)
        self.council_users = {}
        for place in self._council_places():
            used: set = set()
            seats = []
            for n in range(COUNCIL_SEATS):
                name = self._name(used, Gender.FEMALE if n % 2 else Gender.MALE)
                seats.append(account(f"{place.code}.hoidong{n + 1}", Role.COUNCIL_MEMBER, place.unit, name=name))
            self.council_users[place.unit.pk] = seats
        self._bulk(User, users)
        self._bulk(UnitRole, [UnitRole(user=user, unit=unit, role=role) for user, unit, role in roles])
        for person, user in linked:
            person.user = user
        Person.objects.bulk_update([p for p, _u in linked], ["user"], batch_size=BATCH)

    def _council_places(self) -> list[_Place]:
        """Units that receive dossiers with council states: every place with schools, and the Sở (THPT)."""
        places = [p for p in self.places if p.schools]
        bl = self.big.parent
        if not any(p.unit.pk == bl.pk for p in places):
            places.append(_Place(bl, "qm-binhlam", "UBND huyện Bình Lâm"))
        return [*places, _Place(self.department, "qm-so", "Sở Giáo dục và Đào tạo")]

    # --- history and this year's ratings ---------------------------------------------------------

    def history(self) -> None:
        rng = self.rng
        years = list(range(self.year - HISTORY_YEARS, self.year))
        evaluations, records, number = [], [], defaultdict(int)
        issuers = self._issuers()
        for school in [*self.schools, self.big]:
            people = self.people[school.pk]
            team_of = {p.pk: p.unit_id for p in people}
            for year in years:
                issuer, suffix = issuers[school.pk](year)
                number[(issuer, year)] += 1
                decision = f"{number[(issuer, year)] * 7 + 100}/{suffix}"
                decided = datetime.date(year + 1, 6, 20)
                common = {
                    "school_year": year,
                    "decision_date": decided,
                    "issuer": issuer,
                    "source": RecordSource.IMPORTED,
                }
                rated = {}
                for person in people:
                    if school_year_of(person.service_start) > year:
                        continue
                    rating = rng.choices(RATINGS, RATING_WEIGHTS)[0]
                    rated[person.pk] = rating
                    evaluations.append(
                        TaskEvaluation(person=person, school_year=year, rating=rating, source=RecordSource.IMPORTED)
                    )
                    if rating in GOOD_RATINGS:
                        records.append(self._record("LDTT", common, decision, person=person))
                    if rating == TaskRating.EXCELLENT and rng.random() < 0.6:
                        records.append(self._record("CSTDCS", common, f"{decision}-CS", person=person))
                if rated:
                    good = [pk for pk, r in rated.items() if r in GOOD_RATINGS]
                    share = len(good) / len(rated)
                    complete = TaskRating.NOT_COMPLETE not in rated.values()
                    title = "TTLDXS" if complete and share >= 0.7 else "TTLDTT" if share > 0.5 else None
                    if title:
                        records.append(self._record(title, common, f"{decision}-TT", unit=school))
                    for team in self.teams[school.pk]:
                        in_team = [pk for pk in rated if team_of[pk] == team.pk]
                        if in_team and sum(1 for pk in in_team if rated[pk] in GOOD_RATINGS) / len(in_team) > 0.5:
                            records.append(self._record("TTLDTT", common, f"{decision}-TT", unit=team))
            for person in people:  # this year's ratings, as the year-end review has them
                rating = rng.choices(RATINGS[:3], [25, 68, 7])[0]
                self.ratings[person.pk] = rating
                evaluations.append(
                    TaskEvaluation(
                        person=person, school_year=self.year, rating=rating, source=RecordSource.DECIDED_HERE
                    )
                )
            if len(evaluations) >= 20 * BATCH:
                self._bulk(TaskEvaluation, evaluations)
                evaluations = []
            if len(records) >= 20 * BATCH:
                self._bulk(AwardRecord, records)
                records = []
        self._bulk(TaskEvaluation, evaluations)
        self._bulk(AwardRecord, records)

    def _record(self, code: str, common: dict, decision: str, *, person=None, unit=None) -> AwardRecord:
        award = self._award(code, common["school_year"], common["decision_date"])
        return AwardRecord(
            person=person,
            unit=unit,
            award_type=award,
            commendation_kind=award.commendation_kind,
            decision_number=decision,
            **common,
        )

    def _issuers(self) -> dict:
        """Per school: year -> (issuer of its yearly titles, decision symbol)."""
        out = {}
        places = {p.unit.pk: p for p in self.places}
        for school in [*self.schools, self.big]:
            place = places.get(school.parent_id)
            if school.parent_id == self.department.pk:
                out[school.pk] = lambda year: ("Sở Giáo dục và Đào tạo", "QĐ-SGDĐT")
            else:
                locality = school.locality
                out[school.pk] = lambda year, locality=locality, place=place: (
                    (f"UBND xã {locality}", "QĐ-UBND")
                    if year >= REFORM_DAY.year and place is not None and place.unit.kind == UnitKind.COMMUNE_AUTHORITY
                    else (f"UBND huyện {locality}", "QĐ-UBND")
                )
        return out

    # --- campaigns and registrations -------------------------------------------------------------

    def registrations(self) -> None:
        year, rng = self.year, self.rng
        launched = _aware(self.today - datetime.timedelta(days=30))
        campaigns = [
            Campaign(
                name=SCALE_CAMPAIGN.format(year=year, next=year + 1),
                kind=CampaignKind.REGULAR,
                status=CampaignStatus.LAUNCHED,
                launched_by=self.department,
                school_year=year,
                document_number="512",
                document_symbol="KH-SGDĐT",
                issued_on=self.today - datetime.timedelta(days=30),
                place="Sơn Hà",
                launched_at=launched,
            )
        ] + [
            Campaign(
                name=UNIT_CAMPAIGN.format(year=year, next=year + 1, unit=place.unit.short_name or place.unit.name),
                kind=CampaignKind.REGULAR,
                status=CampaignStatus.LAUNCHED,
                launched_by=place.unit,
                school_year=year,
                document_number=str(300 + index),
                document_symbol="KH-PGDĐT" if place.unit.kind == UnitKind.OFFICE else "KH-UBND",
                issued_on=self.today - datetime.timedelta(days=20),
                place=place.unit.locality,
                launched_at=launched,
            )
            for index, place in enumerate(self.places)
            if place.schools
        ]
        self._bulk(Campaign, campaigns)
        self._bulk(
            Deadline,
            [
                Deadline(
                    campaign=c,
                    action=DeadlineAction.REGISTER,
                    unit_kind=UnitKind.SCHOOL,
                    due_date=self.today + datetime.timedelta(days=10),
                    note="Thủ trưởng gửi bản đăng ký thi đua trên cổng",
                )
                for c in campaigns
            ],
        )
        of_unit = {c.launched_by_id: c for c in campaigns[1:]}
        ldtt, cstdcs = self._award("LDTT", year), self._award("CSTDCS", year)
        ttldtt, ttldxs = self._award("TTLDTT", year), self._award("TTLDXS", year)
        registrations, plans = [], []
        for index, school in enumerate(self.schools):
            for campaign in (campaigns[0], of_unit.get(school.parent_id)):
                if campaign is None:
                    continue
                status = REGISTRATION_CYCLE[(index + len(registrations)) % len(REGISTRATION_CYCLE)]
                sent = status in (RegistrationStatus.SUBMITTED, RegistrationStatus.RETURNED)
                registrations.append(
                    Registration(
                        campaign=campaign,
                        unit=school,
                        status=status,
                        collective_title=ttldxs,
                        submitted_at=_aware(self.today - datetime.timedelta(days=rng.randint(1, 20))) if sent else None,
                    )
                )
                plans.append(school)
        self._bulk(Registration, registrations)
        lines, team_lines = [], []
        for registration, school in zip(registrations, plans, strict=True):
            people = self.people[school.pk][: rng.randint(6, 12)]
            lines += [
                RegistrationLine(
                    registration=registration,
                    order=n + 1,
                    person=p,
                    position=p.position,
                    title=cstdcs if n == 0 else ldtt,
                )
                for n, p in enumerate(people)
            ]
            team_lines += [
                RegistrationCollectiveLine(registration=registration, order=n + 1, team=team, title=ttldtt)
                for n, team in enumerate(self.teams[school.pk])
            ]
        self._bulk(RegistrationLine, lines)
        self._bulk(RegistrationCollectiveLine, team_lines)

    # --- dossiers, nominations, decisions ----------------------------------------------------------

    def dossiers(self) -> None:
        rng, year, plan = self.rng, self.year, self.plan
        rounds = [RoundKind.YEAR_END, RoundKind.EXEMPLARY, RoundKind.CAMPAIGN]
        dossiers, per_school = [], defaultdict(int)
        # Shuffled, so that every intermediate unit receives dossiers at every state.
        statuses = [DOSSIER_CYCLE[index % len(DOSSIER_CYCLE)] for index in range(plan.dossiers)]
        rng.shuffle(statuses)
        for index, status in enumerate(statuses):
            school = self.schools[index % len(self.schools)]
            round_kind = rounds[per_school[school.pk] % len(rounds)]
            per_school[school.pk] += 1
            dossiers.append(self._dossier(school, status, round_kind, number=index + 1, days=rng.randint(1, 40)))
        big = self._dossier(self.big, DossierStatus.UNDER_APPRAISAL, RoundKind.YEAR_END, number=1, days=3)
        big.title = f"Tờ trình đề nghị khen thưởng năm học {year}-{year + 1} ({BIG_DOSSIER} đề nghị)"
        big.search_key = joined_search_key(big.title, big.submission_number, length=600)
        self._bulk(Dossier, [*dossiers, big])
        self.big_dossier = big

        sizes = [plan.nominations // plan.dossiers] * plan.dossiers
        for index in range(plan.nominations % plan.dossiers):
            sizes[index] += 1
        nominations = []
        for dossier, size in zip(dossiers, sizes, strict=True):
            cycle = NOMINATION_CYCLE[dossier.status]
            for n, (person, unit, code) in enumerate(self._candidates(dossier.unit, size)):
                nominations.append(self._nomination(dossier, person, unit, code, cycle[n % len(cycle)]))
        nominations += [
            self._nomination(big, person, None, "LDTT", N.PROPOSED)
            for person in [p for p in self.people[self.big.pk] if p.position == "Giáo viên"][:BIG_DOSSIER]
        ]
        self._decide(nominations)
        self._bulk(Nomination, nominations)
        self.nominations = nominations
        self.dossier_rows = [*dossiers, big]

    def _dossier(self, school: Unit, status: str, round_kind: str, *, number: int, days: int) -> Dossier:
        year = self.year
        received = status not in (DossierStatus.DRAFT, DossierStatus.AWAITING_HEAD)
        title = {
            RoundKind.YEAR_END: f"Tờ trình đề nghị khen thưởng năm học {year}-{year + 1}",
            RoundKind.EXEMPLARY: "Tờ trình đề nghị khen thưởng đột xuất",
            RoundKind.CAMPAIGN: "Tờ trình đề nghị khen thưởng phong trào thi đua",
        }[round_kind]
        submission = f"{number % 90 + 10}/TTr-{school.document_code}" if received else ""
        return Dossier(
            unit=school,
            round_kind=round_kind,
            school_year=year,
            receiving_unit=school.parent,
            title=title,
            submission_number=submission,
            submission_date=self.today - datetime.timedelta(days=days + 1) if received else None,
            search_key=joined_search_key(title, submission, length=600),
            status=status,
            sent_at=_aware(self.today - datetime.timedelta(days=days)) if received else None,
        )

    def _candidates(self, school: Unit, size: int):
        """(person, unit, award code) of a dossier: the school's collective title, then its people's LĐTT
        (CSTĐCS too for those rated excellent), the best rated first."""
        out = [(None, school, "TTLDXS")] if size >= 3 else []
        people = sorted(
            self.people[school.pk], key=lambda p: (self.ratings[p.pk] != TaskRating.EXCELLENT, self.ratings[p.pk])
        )
        for person in people:
            out.append((person, None, "LDTT"))
            if self.ratings[person.pk] == TaskRating.EXCELLENT and len(out) % 8 == 0:
                out.append((person, None, "CSTDCS"))
        if size > len(out):
            raise ValueError(f"{school.name}: {size} nominations asked, {len(out)} candidates")
        return out[:size]

    def _nomination(self, dossier, person, unit, code: str, status: str) -> Nomination:
        rated = self.ratings.get(person.pk) if person else TaskRating.EXCELLENT
        eligible = code != "CSTDCS" or rated == TaskRating.EXCELLENT
        return Nomination(
            dossier=dossier,
            person=person,
            unit=unit,
            award_type=self._award(code, self.year),
            summary=SUMMARY,
            status=status,
            verdict="eligible" if eligible and rated in GOOD_RATINGS else "needs_review",
            checked_at=dossier.sent_at,
        )

    def _decide(self, nominations: list[Nomination]) -> None:
        """One decision per deciding unit for its decided dossiers; a record for each nomination awarded."""
        decided = defaultdict(list)
        for n in nominations:
            if n.dossier.status == DossierStatus.DECIDED:
                decided[n.dossier.receiving_unit].append(n)
        decisions, records = [], []
        for index, (unit, rows) in enumerate(sorted(decided.items(), key=lambda kv: kv[0].name)):
            issuer = f"Ủy ban nhân dân {unit.locality}" if unit.kind != UnitKind.DEPARTMENT else unit.name
            decision = Decision(
                deciding_unit=unit,
                school_year=self.year,
                number=f"{500 + index}/QĐ-{unit.document_code or 'UBND'}",
                date=self.today - datetime.timedelta(days=2),
                signer=unit.head.full_name if unit.head else "Nguyễn Văn An",
                signer_title="Chủ tịch" if unit.kind != UnitKind.DEPARTMENT else "Giám đốc",
                issuer=issuer,
                excerpt=f"Về việc khen thưởng năm học {self.year}-{self.year + 1}",
            )
            decision.search_key = joined_search_key(decision.number, decision.issuer, decision.excerpt, length=900)
            decisions.append(decision)
            for n in rows:
                n.decision = decision
                if n.status == N.AWARDED:
                    n.award_record = AwardRecord(
                        person=n.person,
                        unit=n.unit,
                        award_type=n.award_type,
                        school_year=self.year,
                        commendation_kind=n.award_type.commendation_kind,
                        decision_number=decision.number,
                        decision_date=decision.date,
                        issuer=issuer,
                        source=RecordSource.DECIDED_HERE,
                    )
                    records.append(n.award_record)
        self._bulk(Decision, decisions)
        self._bulk(AwardRecord, records)  # bulk_create then takes the ids of the saved decisions and records
        self.decisions = decisions

    # --- councils: meetings with closed and published rounds, ballots counted --------------------

    def councils(self) -> None:
        council_of = {p.unit.pk: p for p in self._council_places()}
        agenda = defaultdict(lambda: {N.APPROVED_BY_COUNCIL: [], N.PASSED_TO_COUNCIL: []})
        for n in self.nominations:
            if n.status in (N.APPROVED_BY_COUNCIL, N.PASSED_TO_COUNCIL):
                agenda[n.dossier.receiving_unit_id][n.status].append(n)
        for unit_pk, place in council_of.items():
            if unit_pk not in agenda:
                continue
            self._council(place, agenda[unit_pk])

    def _council(self, place: _Place, agenda: dict) -> None:
        rng, today = self.rng, self.today
        unit = place.unit
        council = Council(
            unit=unit,
            name=f"Hội đồng Thi đua – Khen thưởng {unit.name}",
            period_start=datetime.date(today.year, 1, 1),
            period_end=datetime.date(today.year, 12, 31),
            rules_basis="Quy chế hoạt động của Hội đồng Thi đua – Khen thưởng",
        )
        self._bulk(Council, [council])
        roles = [MemberRole.CHAIR, MemberRole.VICE_CHAIR, MemberRole.SECRETARY, MemberRole.MEMBER, MemberRole.MEMBER]
        seats = [
            CouncilMember(
                council=council,
                user=user,
                full_name=f"{user.first_name} {user.last_name}".strip(),
                title="Thành viên Hội đồng",
                role=roles[n % len(roles)],
                counting_committee=n in (1, 3),
            )
            for n, user in enumerate(self.council_users[unit.pk])
        ]
        self._bulk(CouncilMember, seats)
        absent = seats[-1]
        sessions = [
            (
                today - datetime.timedelta(days=7),
                MeetingStatus.ENDED,
                RoundStatus.PUBLISHED,
                agenda[N.APPROVED_BY_COUNCIL],
            ),
            (today, MeetingStatus.HELD, RoundStatus.CLOSED, agenda[N.PASSED_TO_COUNCIL]),
        ]
        for day, meeting_status, round_status, nominations in sessions:
            if not nominations:
                continue
            meeting = Meeting(
                council=council,
                date=day,
                start_time=datetime.time(8, 0),
                end_time=datetime.time(11, 0) if meeting_status == MeetingStatus.ENDED else None,
                place=f"Phòng họp {unit.name}",
                chair=seats[0],
                secretary=seats[2],
                status=meeting_status,
            )
            self._bulk(Meeting, [meeting])
            self._bulk(
                Attendance,
                [
                    Attendance(meeting=meeting, member=seat, status=AttendanceStatus.PRESENT)
                    if seat is not absent
                    else Attendance(meeting=meeting, member=seat, status=AttendanceStatus.ABSENT, reason="Đi công tác")
                    for seat in seats
                ],
            )
            items = self._bulk(
                AgendaItem,
                [AgendaItem(meeting=meeting, nomination=n, position=k + 1) for k, n in enumerate(nominations)],
            )
            present = [s for s in seats if s is not absent]
            rules_of = {}
            item_rules = {}
            for item in items:
                code = item.nomination.award_type.code
                if code not in rules_of:
                    rules_of[code] = box.item_rule(council, code, day)
                item_rules[str(item.pk)] = {**rules_of[code], "recused": []}
            round_ = Round(
                meeting=meeting,
                number=1,
                status=round_status,
                rules={
                    "places": {},
                    "total_members": len(seats),
                    "present": len(present),
                    "voting_members": len(present),
                    "allow_abstention": council.allow_abstention,
                    "items": item_rules,
                },
                entitled_member_ids=sorted(s.pk for s in present),
                opened_at=_aware(day, 8),
                closed_at=_aware(day, 10),
                published_at=_aware(day, 11) if round_status == RoundStatus.PUBLISHED else None,
            )
            self._bulk(Round, [round_])
            # The ballot box as the service leaves it at the close: who voted (roll, receipts, cast records)
            # apart from what was chosen (ballots in random order with random ids), nothing joining them.
            self._bulk(VoterRoll, [VoterRoll(id=self._uuid(), round=round_, member=s) for s in present])
            self._bulk(CastRecord, [CastRecord(round=round_, member=s) for s in present])
            ballots = []
            for item in items:
                approved = round_status == RoundStatus.PUBLISHED
                against = 0 if approved else rng.randint(0, 2)
                ballots += [(item.pk, Choice.AGAINST if k < against else Choice.FOR) for k in range(len(present))]
            rng.shuffle(ballots)
            self._bulk(Ballot, [Ballot(id=self._uuid(), round=round_, item_id=i, choice=c) for i, c in ballots])
            codes = sorted(self._code(10) for _ in present)
            self._bulk(ReceiptCode, [ReceiptCode(id=self._uuid(), round=round_, code=c) for c in codes])
            round_.results = box.results_of(round_)
            round_.ballots_sha256 = box.ballots_digest(round_)
            round_.save(update_fields=["results", "ballots_sha256"])
            if round_status == RoundStatus.PUBLISHED:
                self.published_meetings.append(meeting)

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _code(self, length: int) -> str:
        return "".join(self.rng.choice(VERIFICATION_ALPHABET) for _ in range(length))

    # --- generated documents -----------------------------------------------------------------------

    def documents(self) -> None:
        from demo.nominations import _pdf

        files = []
        for n in range(SAMPLE_FILES):
            name = f"documents/scale/mau-{n + 1}.pdf"
            data = _pdf(f"Van ban mau quy mo tinh {n + 1}")
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(data))
            files.append((name, data))
        sent = [d for d in self.dossier_rows if d.status not in (DossierStatus.DRAFT, DossierStatus.AWAITING_HEAD)]
        targets = (
            [("submission", d, d.title, d.submission_number, d.submission_date, d.unit) for d in sent]
            + [("decision", d, d.excerpt, d.number, d.date, d.deciding_unit) for d in self.decisions]
            + [
                ("minutes", m, "Biên bản họp Hội đồng Thi đua – Khen thưởng", "", m.date, m.council.unit)
                for m in self.published_meetings
            ]
        )
        types = {}
        rows = []
        for index, (kind, obj, title, number, day, unit) in enumerate(targets):
            model = type(obj)
            if model not in types:
                types[model] = ContentType.objects.get_for_model(model)
            name, data = files[index % len(files)]
            rows.append(
                GeneratedDocument(
                    kind=kind,
                    variant=_default_variant(kind),
                    content_type=types[model],
                    object_id=obj.pk,
                    inputs_hash=hashlib.sha256(f"scale:{kind}:{index}:{title}".encode()).hexdigest(),
                    status=DocumentStatus.READY,
                    progress=100,
                    attempts=1,
                    file=name,
                    file_sha256=hashlib.sha256(data).hexdigest(),
                    size=len(data),
                    pages=1,
                    title=title,
                    issuer=unit.name if unit else "",
                    number=number,
                    issued_on=day,
                    unit=unit,
                    verification_code=self._code(VERIFICATION_LENGTH),
                    built_at=_aware(day or self.today, 10),
                    duration_ms=80,
                )
            )
        self._bulk(GeneratedDocument, rows)

    # --- all of it ---------------------------------------------------------------------------------

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


def _default_variant(kind_code: str) -> str:
    from documents import registry

    kind = registry.get(kind_code)
    return kind.default_variant() if kind else ""
