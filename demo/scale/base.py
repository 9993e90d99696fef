"""What seed_scale adds (`Plan`), its names and cycles of states, and the steps' shared state and helpers."""

import datetime
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from awards.enums import TaskRating
from awards.models import AwardType
from awards.schoolyear import school_year_of
from awards.services.catalog import pick_award_type
from campaigns.enums import RegistrationStatus
from core.text import fold, nfc, search_key
from documents.models import VERIFICATION_ALPHABET
from nominations.enums import DossierStatus, NominationStatus
from units.demo import (
    DEMO_PASSWORD,
    GIVEN_FEMALE,
    GIVEN_MALE,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    REFORM_DAY,
    SURNAMES,
)
from units.enums import Gender, SchoolLevel, UnitKind
from units.models import Person, Unit
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


class Base:
    """The state the steps share, and their helpers."""

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

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _code(self, length: int) -> str:
        return "".join(self.rng.choice(VERIFICATION_ALPHABET) for _ in range(length))
