"""Demo province for `manage.py seed_demo`: built through the services.

One Sở, three Phòng GD&ĐT with nine schools each, three THPT schools under
the Sở, teams in every school, about 600 invented people, and accounts for
every role at every level. Deterministic: the same run gives the same data.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from .enums import Gender, Role, SchoolLevel, UnitKind
from .models import Unit
from .services import block_create, person_create, unit_create, unit_role_grant, unit_update, user_create

# bandit: the published password of the demo accounts (README); seed_demo is for trial machines only
DEMO_PASSWORD = "tdkt2025"  # nosec B105
PROVINCE = "Sơn Hà"

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Lương",
    "Trịnh",
    "Đoàn",
]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Hồng", "Phương", "Bảo"]
MIDDLE_MALE = ["Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Công", "Xuân", "Gia", "Trọng"]
GIVEN_FEMALE = [
    "Lan",
    "Hương",
    "Hoa",
    "Mai",
    "Ngọc",
    "Thảo",
    "Trang",
    "Huyền",
    "Nhàn",
    "Yến",
    "Hằng",
    "Thủy",
    "Linh",
    "Nga",
    "Oanh",
    "Dung",
    "Hạnh",
    "Phượng",
    "Loan",
    "Tuyết",
    "Vân",
    "Quyên",
    "Diệp",
    "Châu",
    "Ánh",
]
GIVEN_MALE = [
    "Hùng",
    "Dũng",
    "Tuấn",
    "Minh",
    "Sơn",
    "Hải",
    "Long",
    "Quang",
    "Thắng",
    "Việt",
    "Khánh",
    "Phúc",
    "Đức",
    "Toàn",
    "Cường",
    "Bình",
    "Nam",
    "Trung",
    "Hiếu",
    "Lộc",
]

DISTRICTS = [("Bình Lâm", "bl"), ("Đông Hải", "dh"), ("Ngọc Sơn", "ns")]
SCHOOL_NAMES = {
    SchoolLevel.PRESCHOOL: ["Mầm non Hoa Sen", "Mầm non Sơn Ca", "Mầm non Họa Mi"],
    SchoolLevel.PRIMARY: ["Tiểu học Kim Đồng", "Tiểu học Lê Văn Tám", "Tiểu học Võ Thị Sáu"],
    SchoolLevel.LOWER_SECONDARY: ["THCS Nguyễn Du", "THCS Chu Văn An"],
    SchoolLevel.COMBINED: ["TH&THCS Lý Tự Trọng"],
}
SCHOOL_SLUGS = {
    "Mầm non Hoa Sen": "mn-hoasen",
    "Mầm non Sơn Ca": "mn-sonca",
    "Mầm non Họa Mi": "mn-hoami",
    "Tiểu học Kim Đồng": "th-kimdong",
    "Tiểu học Lê Văn Tám": "th-levantam",
    "Tiểu học Võ Thị Sáu": "th-vothisau",
    "THCS Nguyễn Du": "thcs-nguyendu",
    "THCS Chu Văn An": "thcs-chuvanan",
    "TH&THCS Lý Tự Trọng": "ttc-lytutrong",
}
HIGH_SCHOOLS = [
    ("THPT Trần Phú", "thpt-tranphu"),
    ("THPT Nguyễn Trãi", "thpt-nguyentrai"),
    ("THPT Lê Quý Đôn", "thpt-lequydon"),
]
TEAMS = {
    SchoolLevel.PRESCHOOL: ["Tổ chuyên môn Nhà trẻ", "Tổ chuyên môn Mẫu giáo", "Tổ văn phòng"],
    SchoolLevel.PRIMARY: ["Tổ khối 1-2-3", "Tổ khối 4-5", "Tổ văn phòng"],
    SchoolLevel.LOWER_SECONDARY: ["Tổ Khoa học tự nhiên", "Tổ Khoa học xã hội", "Tổ văn phòng"],
    SchoolLevel.UPPER_SECONDARY: ["Tổ Toán – Tin", "Tổ Ngữ văn", "Tổ văn phòng"],
    SchoolLevel.COMBINED: ["Tổ Tiểu học", "Tổ Trung học cơ sở", "Tổ văn phòng"],
}


@dataclass
class DemoResult:
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # username, role label, unit
    units: dict[str, Unit] = field(default_factory=dict)


class _Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def make(self, gender: str) -> str:
        for _ in range(50):
            if gender == Gender.FEMALE:
                name = f"{self.rng.choice(SURNAMES)} {self.rng.choice(MIDDLE_FEMALE)} {self.rng.choice(GIVEN_FEMALE)}"
            else:
                name = f"{self.rng.choice(SURNAMES)} {self.rng.choice(MIDDLE_MALE)} {self.rng.choice(GIVEN_MALE)}"
            if name not in self.used:
                self.used.add(name)
                return name
        return name


def _person(rng, names, unit, position, *, manager=False, female_share=0.7):
    gender = Gender.FEMALE if rng.random() < female_share else Gender.MALE
    born = datetime.date(rng.randint(1968, 1998), rng.randint(1, 12), rng.randint(1, 28))
    start = datetime.date(min(born.year + rng.randint(21, 26), 2023), 9, rng.randint(1, 15))
    return person_create(
        by=None,
        unit=unit,
        full_name=names.make(gender),
        gender=gender,
        date_of_birth=born,
        position=position,
        is_manager=manager,
        service_start=start,
        phone=f"09{rng.randint(10000000, 99999999)}",
    )


def _account(result, password_hash, username, role, unit, person=None):
    user = user_create(
        by=None, username=username, password=None, full_name=person.full_name if person else "", person=person
    )
    user.password = password_hash
    user.save(update_fields=["password"])
    unit_role_grant(by=None, user=user, unit=unit, role=role)
    result.accounts.append((username, Role(role).label, unit.name))
    return user


def _school(rng, names, result, password_hash, parent, name, level, slug, locality):
    school = unit_create(
        by=None,
        name=f"Trường {name}",
        short_name=name,
        kind=UnitKind.SCHOOL,
        school_level=level,
        parent=parent,
        locality=locality,
        document_code=slug.split("-")[0].upper(),
        parent_body_name=parent.name.upper(),
        head_title="Hiệu trưởng",
    )
    principal = _person(rng, names, school, "Hiệu trưởng", manager=True, female_share=0.6)
    _person(rng, names, school, "Phó Hiệu trưởng", manager=True)
    unit_update(by=None, unit=school, head=principal)
    teams = [unit_create(by=None, name=t, kind=UnitKind.TEAM, parent=school) for t in TEAMS[level]]
    for team in teams:
        is_office = team.name == "Tổ văn phòng"
        team_lead = _person(rng, names, team, "Tổ trưởng")
        unit_update(by=None, unit=team, head=team_lead, head_title="Tổ trưởng")
        staff = rng.randint(2, 3) if is_office else rng.randint(5, 7)
        for _ in range(staff):
            _person(rng, names, team, "Nhân viên" if is_office else "Giáo viên")
    secretary = _person(rng, names, teams[-1], "Nhân viên văn thư")
    _account(result, password_hash, f"{slug}.thuky", Role.SECRETARY, school, secretary)
    _account(result, password_hash, f"{slug}.hieutruong", Role.HEAD, school, principal)
    _account(result, password_hash, f"{slug}.hoidong", Role.COUNCIL_MEMBER, school)
    result.units[slug] = school
    return school


def seed_units(*, rng: random.Random | None = None) -> DemoResult:
    # bandit: reproducible demo data, not a secret
    rng = rng or random.Random(2024)  # nosec B311
    names = _Names(rng)
    result = DemoResult()
    password_hash = make_password(DEMO_PASSWORD)
    upper = PROVINCE.upper()
    province = unit_create(
        by=None,
        name=f"Ủy ban nhân dân tỉnh {PROVINCE}",
        short_name=f"UBND tỉnh {PROVINCE}",
        kind=UnitKind.PROVINCIAL_AUTHORITY,
        locality=PROVINCE,
        document_code="UBND",
        head_title="Chủ tịch",
    )
    department = unit_create(
        by=None,
        name=f"Sở Giáo dục và Đào tạo {PROVINCE}",
        short_name="Sở GD&ĐT",
        kind=UnitKind.DEPARTMENT,
        parent=province,
        locality=PROVINCE,
        document_code="SGDĐT",
        parent_body_name=f"UBND TỈNH {upper}",
        head_title="Giám đốc",
    )
    result.units["province"], result.units["department"] = province, department
    director = _person(rng, names, department, "Giám đốc", manager=True, female_share=0.4)
    unit_update(by=None, unit=department, head=director)
    reviewer = _person(rng, names, department, "Chuyên viên phòng Tổ chức cán bộ")
    _account(result, password_hash, "so.quantri", Role.ADMINISTRATOR, department)
    _account(result, password_hash, "so.chuyenvien", Role.REVIEWER, department, reviewer)
    _account(result, password_hash, "so.giamdoc", Role.HEAD, department, director)
    _account(result, password_hash, "so.hoidong", Role.COUNCIL_MEMBER, department)
    for district, code in DISTRICTS:
        office = unit_create(
            by=None,
            name=f"Phòng Giáo dục và Đào tạo huyện {district}",
            short_name=f"Phòng GD&ĐT {district}",
            kind=UnitKind.OFFICE,
            parent=department,
            locality=district,
            document_code="PGDĐT",
            parent_body_name=f"UBND HUYỆN {district.upper()}",
            head_title="Trưởng phòng",
        )
        result.units[f"pgd-{code}"] = office
        chief = _person(rng, names, office, "Trưởng phòng", manager=True, female_share=0.4)
        unit_update(by=None, unit=office, head=chief)
        officer = _person(rng, names, office, "Chuyên viên")
        _account(result, password_hash, f"pgd-{code}.chuyenvien", Role.REVIEWER, office, officer)
        _account(result, password_hash, f"pgd-{code}.truongphong", Role.HEAD, office, chief)
        _account(result, password_hash, f"pgd-{code}.thuky", Role.SECRETARY, office)
        preschools = []
        for level, school_names in SCHOOL_NAMES.items():
            for name in school_names:
                slug = f"{SCHOOL_SLUGS[name]}-{code}"
                school = _school(rng, names, result, password_hash, office, name, level, slug, district)
                if level == SchoolLevel.PRESCHOOL:
                    preschools.append(school)
        block_create(
            by=None, name=f"Khối thi đua mầm non huyện {district}", owner=office, members=preschools, school_year=2024
        )
    for name, slug in HIGH_SCHOOLS:
        _school(rng, names, result, password_hash, department, name, SchoolLevel.UPPER_SECONDARY, slug, PROVINCE)
    return result


# --- the People's Committees that decide, and the reform of 01/07/2025 -----------------------------

REFORM_DAY = datetime.date(2025, 7, 1)
# Ngọc Sơn is the demo's commune-era district: from 01/07/2025 its schools sit under two UBND xã
# (the Phòng is abolished). Bình Lâm and Đông Hải keep the pre-reform shape so the older demo
# accounts keep their schools; only their deciding UBND xã is added beside the tree.
REFORMED_DISTRICT = "ns"
COMMUNES = {
    "ns": [("Ngọc Sơn", "ngocson"), ("Sơn Thủy", "sonthuy")],
    "bl": [("Bình Lâm", "binhlam")],
    "dh": [("Đông Hải", "donghai")],
}


def _committee(name, short, kind, parent, locality, **fields):
    return unit_create(
        by=None,
        name=name,
        short_name=short,
        kind=kind,
        parent=parent,
        locality=locality,
        document_code="UBND",
        head_title="Chủ tịch",
        **fields,
    )


def seed_authorities(result: DemoResult) -> DemoResult:
    """Add the Bộ, a UBND huyện per Phòng (until 30/06/2025), UBND xã from 01/07/2025, and move the
    reformed district's schools from their Phòng to its UBND xã (`unit_move`).

    Deciding committees that manage no school sit under UBND tỉnh, beside the education branch; a
    UBND xã that manages schools sits under the Sở, so the Sở's roles keep reaching its schools
    (Sở → UBND xã → trường). Run after the awards and campaigns demo, whose history predates the reform.
    """
    from .services import unit_move

    units = result.units
    province, department = units["province"], units["department"]
    before = REFORM_DAY - datetime.timedelta(days=1)
    units["ministry"] = unit_create(
        by=None,
        name="Bộ Giáo dục và Đào tạo (cơ quan Bộ)",  # not the kind label, which every unit filter shows
        short_name="Bộ GD&ĐT",
        kind=UnitKind.MINISTRY,
        document_code="BGDĐT",
        head_title="Bộ trưởng",
    )
    for district, code in DISTRICTS:
        units[f"ubnd-huyen-{code}"] = _committee(
            f"Ủy ban nhân dân huyện {district}",
            f"UBND huyện {district}",
            UnitKind.DISTRICT_AUTHORITY,
            province,
            district,
            active_to=before,
        )
        office = units[f"pgd-{code}"]
        for commune, slug in COMMUNES[code]:
            manages_schools = code == REFORMED_DISTRICT
            units[f"ubnd-xa-{slug}"] = _committee(
                f"Ủy ban nhân dân xã {commune}",
                f"UBND xã {commune}",
                UnitKind.COMMUNE_AUTHORITY,
                department if manages_schools else province,
                commune,
                active_from=REFORM_DAY,
            )
        if code != REFORMED_DISTRICT:
            continue
        unit_update(by=None, unit=office, active_to=before)
        communes = [units[f"ubnd-xa-{slug}"] for _commune, slug in COMMUNES[code]]
        schools = sorted(
            (u for u in units.values() if u.kind == UnitKind.SCHOOL and u.parent_id == office.pk), key=lambda s: s.pk
        )
        for index, school in enumerate(schools):
            commune = communes[0] if index < 5 else communes[1]
            unit_move(by=None, unit=school, new_parent=commune)
            unit_update(by=None, unit=school, parent_body_name=commune.name.upper())
    # A UBND xã is a unit like any other: its administrator and its Hội đồng TĐKT hold roles on it.
    password_hash = make_password(DEMO_PASSWORD)
    commune = units["ubnd-xa-ngocson"]
    _account(result, password_hash, "xa-ngocson.quantri", Role.ADMINISTRATOR, commune)
    _account(result, password_hash, "xa-ngocson.hoidong", Role.COUNCIL_MEMBER, commune)
    return result


# Personas whose reach the permission matrix checks (core/tests/test_permission_matrix.py): roles that
# cover their own unit only above the schools, an administrator of one school, and one account holding
# different roles at two schools of two districts (its rights on each come from its role there).
EXTRA_PERSONAS = [
    # username, role, (school name or None for the Sở, its district)
    ("so.thuky", Role.SECRETARY, None),
    ("mn-hoasen-bl.quantri", Role.ADMINISTRATOR, ("Trường Mầm non Hoa Sen", "Bình Lâm")),
    ("kiemnhiem.thuky", Role.SECRETARY, ("Trường THCS Nguyễn Du", "Đông Hải")),
    ("kiemnhiem.thuky", Role.COUNCIL_MEMBER, ("Trường Mầm non Hoa Sen", "Bình Lâm")),
]


def seed_personas() -> int:
    """Add the accounts of `EXTRA_PERSONAS` that are missing (to a new or an existing demo). Returns how many."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    password_hash = make_password(DEMO_PASSWORD)
    added = 0
    for username, role, where in EXTRA_PERSONAS:
        if where is None:
            unit = Unit.objects.get(kind=UnitKind.DEPARTMENT)
        else:
            unit = Unit.objects.get(kind=UnitKind.SCHOOL, name=where[0], locality=where[1])
        user = users.filter(username=username).first()
        if user is None:
            user = user_create(by=None, username=username, password=None)
            user.password = password_hash
            user.save(update_fields=["password"])
            added += 1
        unit_role_grant(by=None, user=user, unit=unit, role=role)
    return added
