"""Demo campaigns modelled on the seed plans, built through the services.

Dates follow the current school year so that phases, deadlines and reminders
look alive whenever the demo is seeded.
"""

import datetime

from django.contrib.auth import get_user_model

from awards.engine import award_type_in_force
from awards.schoolyear import school_year_of
from core.exceptions import ServiceError
from units.enums import UnitKind
from units.models import EmulationBlock

from . import services
from .enums import CampaignKind, DeadlineAction, ObjectGroup, RegistrationStatus
from .selectors import registration_people, registration_teams

User = get_user_model()
D = datetime.date


MANAGER_EXPLANATION = (
    "Trường phấn đấu Tập thể lao động xuất sắc theo kế hoạch thi đua của trường; đề nghị giữ đăng ký của hiệu trưởng."
)


def _award(code: str, on: datetime.date):
    try:
        return award_type_in_force(code, on)
    except ServiceError:  # catalog without that row: the demo simply offers less
        return None


def _phases(year: int):
    return [
        (1, "Chào mừng ngày Nhà giáo Việt Nam 20/11", D(year, 9, 5), D(year, 11, 30)),
        (2, "Từ tháng 12 đến kết thúc học kỳ I", D(year, 12, 1), D(year + 1, 1, 15)),
        (3, "Từ đầu học kỳ II đến hết tháng 3", D(year + 1, 1, 16), D(year + 1, 3, 31)),
        (4, "Từ tháng 4 đến kết thúc học kỳ II", D(year + 1, 4, 1), D(year + 1, 5, 31)),
    ]


def seed(*, units: dict, rng) -> None:
    """Demo data of the campaigns app; `units` maps demo slugs (see units/demo.py) to units."""
    today = datetime.date.today()
    year = school_year_of(today)
    on = D(year, 9, 1)
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "so.quantri",
                "pgd-bl.truongphong",
                "pgd-dh.truongphong",
                "mn-hoasen-bl.hieutruong",
                "mn-hoasen-bl.thuky",
                "th-kimdong-bl.thuky",
            ]
        )
    }
    office, department, kindergarten = units["pgd-bl"], units["department"], units["mn-hoasen-bl"]
    ldtt, cstdcs, gk = _award("LDTT", on), _award("CSTDCS", on), _award("GK", on)

    # Seed 000: the Phòng's annual plan for its schools.
    annual = services.campaign_create(
        launched_by=office,
        name=f"Công tác thi đua, khen thưởng ngành Giáo dục và Đào tạo năm học {year}-{year + 1}",
        kind=CampaignKind.REGULAR,
        by=users["pgd-bl.truongphong"],
        school_year=year,
        document_number="345",
        document_symbol="KH-PGDĐT",
        issued_on=D(year, 9, 10),
        place=office.locality,
        purposes="Phát động và triển khai các phong trào thi đua yêu nước trong toàn ngành; khen thưởng kịp thời "
        "các tập thể nhỏ, giáo viên, nhân viên trực tiếp.",
        requirements="Việc tổ chức các phong trào thi đua phải thiết thực, phù hợp với thực tiễn.",
        legal_bases=[
            "Luật Thi đua, khen thưởng ngày 15/6/2022",
            f"Kế hoạch của Sở Giáo dục và Đào tạo về công tác thi đua, khen thưởng năm học {year}-{year + 1}",
            f"Kế hoạch của Ủy ban nhân dân huyện {office.locality} về công tác thi đua, khen thưởng",
        ],
        criteria={
            ObjectGroup.COLLECTIVE: "Hoàn thành xuất sắc nhiệm vụ năm học; có mô hình, cách làm hay.",
            ObjectGroup.TEACHER: "Đổi mới phương pháp dạy học; có sáng kiến được áp dụng.",
        },
    )
    services.deadline_create(
        by=None,
        campaign=annual,
        action=DeadlineAction.REGISTER,
        unit_kind=UnitKind.SCHOOL,
        due_date=max(D(year, 10, 15), today + datetime.timedelta(days=7)),
        note="Thủ trưởng gửi bản đăng ký thi đua trên cổng",
    )
    services.deadline_create(
        by=None,
        campaign=annual,
        action=DeadlineAction.PLAN,
        unit_kind=UnitKind.SCHOOL,
        due_date=max(D(year, 10, 31), today + datetime.timedelta(days=20)),
        note="Gửi Kế hoạch thi đua của đơn vị về Phòng",
    )
    annual = services.campaign_launch(campaign=annual, by=users["pgd-bl.truongphong"])

    # Seed 001: a thematic campaign with a cap of 15 Bằng khen.
    thematic = services.campaign_create(
        launched_by=units["pgd-dh"],
        name="Phát động phong trào thi đua “Đổi mới sáng tạo trong quản lý, giảng dạy và học tập”",
        kind=CampaignKind.THEMATIC,
        by=users["pgd-dh.truongphong"],
        school_year=year,
        period_start=D(year + 1, 1, 1),
        period_end=D(year + 1, 12, 31),
        document_symbol="KH-PGDĐT",
        place=units["pgd-dh"].locality,
        object_groups=list(ObjectGroup.values),
        objects_collective="Phòng Giáo dục và Đào tạo, các cơ sở giáo dục mầm non, giáo dục phổ thông",
        objects_individual=(
            "Cán bộ quản lý giáo dục, giáo viên, nhân viên, người lao động của ngành giáo dục và học sinh trên địa bàn"
        ),
        criteria={
            ObjectGroup.COLLECTIVE: "Tổ chức thực hiện phong trào thi đua thiết thực, đạt hiệu quả cao.",
            ObjectGroup.MANAGER: "Có nhiều giải pháp đổi mới, sáng tạo trong công tác quản lý.",
            ObjectGroup.TEACHER: "Có nhiều giải pháp đổi mới, sáng tạo trong giảng dạy.",
            ObjectGroup.STAFF: "Có giải pháp đổi mới, sáng tạo trong thực hiện nhiệm vụ.",
            ObjectGroup.STUDENT: "Đoạt giải trong các kỳ thi cấp tỉnh, quốc gia, quốc tế.",
        },
    )
    bk_tinh = _award("BK_TINH", thematic.reference_date)
    if bk_tinh:
        services.campaign_award_set(
            by=None, campaign=thematic, award_type=bk_tinh, cap=15, note="Không quá 15 tập thể, cá nhân"
        )
    services.deadline_create(
        by=None,
        campaign=thematic,
        action=DeadlineAction.NOMINATE,
        unit_kind=UnitKind.SCHOOL,
        due_date=D(year + 1, 5, 18),
    )
    services.campaign_launch(campaign=thematic, by=users["pgd-dh.truongphong"])

    # Seed 002: the kindergarten's own plan with four phases and its registration.
    school_plan = services.campaign_create(
        launched_by=kindergarten,
        name=f"Thực hiện công tác thi đua, khen thưởng năm học {year} - {year + 1}",
        kind=CampaignKind.PHASED,
        by=users["mn-hoasen-bl.hieutruong"],
        school_year=year,
        document_number="50",
        document_symbol="KH-MN",
        issued_on=D(year, 9, 19),
        place=kindergarten.locality,
        legal_bases=[
            "Luật Thi đua, khen thưởng ngày 15/6/2022",
            "Nghị định số 98/2023/NĐ-CP ngày 31/12/2023 của Chính phủ",
            "Thông tư số 29/2023/TT-BGDĐT ngày 29/12/2023 của Bộ Giáo dục và Đào tạo",
        ],
    )
    for number, name, start, end in _phases(year):
        services.phase_create(by=None, campaign=school_plan, number=number, name=name, start=start, end=end)
    services.deadline_create(
        by=None,
        campaign=school_plan,
        action=DeadlineAction.REGISTER,
        unit=kindergarten,
        due_date=max(D(year, 9, 30), today + datetime.timedelta(days=1)),
    )
    school_plan = services.campaign_launch(campaign=school_plan, by=users["mn-hoasen-bl.hieutruong"])
    people = list(registration_people(None, kindergarten))
    # About one in seven aims at CSTĐCS, within the 15 % of the registered LĐTT the quota panel estimates.
    lines = [
        services.LineInput(
            person=p,
            title=(cstdcs if i % 7 == 0 else ldtt) if i < len(people) - 1 else None,
            commendation=gk if i % 5 == 0 else None,
            initiative_title="Ứng dụng công nghệ thông tin trong tổ chức hoạt động cho trẻ" if i % 7 == 0 else "",
            # The principal is judged on the school's title (TTLĐXS), which the Phòng's yearly plan below does
            # not register: a marked line, kept with the secretary's explanation.
            explanation=MANAGER_EXPLANATION if p.is_manager and i % 7 == 0 and i < len(people) - 1 else "",
        )
        for i, p in enumerate(people)
    ]
    # Its teams register too (seed 000: "quan tâm khen thưởng tập thể nhỏ"): the teaching teams aim at
    # Tập thể lao động tiên tiến, the first of them also at a Giấy khen; the office team registers nothing.
    ttldtt = _award("TTLDTT", on)
    team_lines = [
        services.CollectiveLineInput(
            team=team,
            title=ttldtt if team.name.startswith("Tổ chuyên môn") else None,
            commendation=gk if i == 0 else None,
        )
        for i, team in enumerate(registration_teams(kindergarten))
    ]
    registration = services.registration_save(
        campaign=school_plan,
        unit=kindergarten,
        by=users["mn-hoasen-bl.thuky"],
        lines=lines,
        collective_title=_award("TTLDXS", on),
        collective_lines=team_lines,
    )
    services.registration_transition(
        registration=registration, to_status=RegistrationStatus.SUBMITTED, by=users["mn-hoasen-bl.hieutruong"]
    )
    # The same school registers in the Phòng's annual campaign (submitted); a primary school has a draft.
    annual_registration = services.registration_save(
        campaign=annual,
        unit=kindergarten,
        by=users["mn-hoasen-bl.thuky"],
        lines=lines,
        collective_title=_award("TTLDTT", on),
        collective_lines=team_lines,
    )
    services.registration_transition(
        registration=annual_registration, to_status=RegistrationStatus.SUBMITTED, by=users["mn-hoasen-bl.hieutruong"]
    )
    primary = units["th-kimdong-bl"]
    services.registration_save(
        campaign=annual,
        unit=primary,
        by=users["th-kimdong-bl.thuky"],
        lines=[services.LineInput(person=p, title=ldtt) for p in registration_people(None, primary)],
        collective_lines=[
            services.CollectiveLineInput(team=team, title=ttldtt if i == 0 else None)
            for i, team in enumerate(registration_teams(primary))
        ],
    )

    # Seed 003: the Sở's special campaign, award forms by level, deadlines per level.
    special = services.campaign_create(
        launched_by=department,
        name="Tổ chức thực hiện phong trào thi đua đặc biệt “Toàn ngành Giáo dục và Đào tạo đoàn kết, chung sức "
        "vượt qua thiên tai, dịch bệnh”",
        kind=CampaignKind.SPECIAL,
        by=users["so.quantri"],
        school_year=year,
        document_symbol="KH-SGDĐT",
        place=department.locality,
        criteria={ObjectGroup.COLLECTIVE: "Có mô hình, giải pháp, cách làm hiệu quả, có phạm vi ảnh hưởng."},
    )
    for code in ("HCLD3", "BK_TTG", "BK_TINH", "GK"):
        award = _award(code, on)
        if award:
            services.campaign_award_set(by=None, campaign=special, award_type=award)
    services.deadline_create(
        by=None, campaign=special, action=DeadlineAction.NOMINATE, unit_kind=UnitKind.SCHOOL, due_date=D(year, 12, 10)
    )
    services.deadline_create(
        by=None, campaign=special, action=DeadlineAction.NOMINATE, unit_kind=UnitKind.OFFICE, due_date=D(year, 12, 20)
    )
    services.campaign_launch(campaign=special, by=users["so.quantri"])

    # A compact between the kindergartens of the Bình Lâm block.
    block = EmulationBlock.objects.filter(owner=office).first()
    if block is not None:
        members = list(block.members.all())
        if len(members) >= 2:
            services.compact_create(
                block=block,
                title=f"Giao ước thi đua khối mầm non năm học {year}-{year + 1}",
                text="Các đơn vị cam kết thi đua hoàn thành xuất sắc nhiệm vụ năm học; xây dựng trường học an toàn, "
                "thân thiện; 100% cán bộ, giáo viên, nhân viên đăng ký danh hiệu thi đua.",
                signed_on=D(year, 9, 25),
                units=members,
                by=users["pgd-bl.truongphong"],
                campaign=annual,
            )
