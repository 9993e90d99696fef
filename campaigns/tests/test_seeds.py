"""The four seed plans entered as campaigns through the services, and what each school sees."""

import datetime

import pytest

from campaigns import selectors, services
from campaigns.enums import CampaignKind, DeadlineAction, ObjectGroup, RegistrationStatus
from campaigns.services import LineInput
from conftest import make_user
from units.enums import Role, UnitKind

D = datetime.date


def launched_on(campaign):
    """The plans were launched when issued, or on the first day of their period (before their deadlines)."""
    return campaign.issued_on or campaign.period_start


def seed_000(tree, by, awards):
    """Phòng GD&ĐT Gia Lâm, plan for 2023: schools send their own plan back before 03/02/2023."""
    campaign = services.campaign_create(
        launched_by=tree["office_a"],
        name="Công tác thi đua, khen thưởng ngành Giáo dục và Đào tạo năm 2023",
        kind=CampaignKind.REGULAR,
        by=by,
        school_year=2022,
        period_start=D(2023, 1, 1),
        period_end=D(2023, 12, 31),
        document_symbol="KH-PGDĐT",
        place="Gia Lâm",
        purposes="Phát động và triển khai các phong trào thi đua yêu nước trong toàn Ngành Giáo dục và Đào tạo Gia Lâm.",
        requirements="Việc tổ chức các phong trào thi đua yêu nước phải thiết thực, phù hợp với thực tiễn.",
        legal_bases=[
            "Kế hoạch số 4582/KH-SGDĐT-VP ngày 27/12/2022 về công tác thi đua, khen thưởng của ngành "
            "Sở Giáo dục và Đào tạo Hà Nội năm 2023",
            "Kế hoạch số 270/KH-UBND ngày 21/12/2022 của Ủy ban nhân dân Huyện Gia Lâm về Công tác thi đua, "
            "khen thưởng năm 2023",
        ],
    )
    services.deadline_create(
        by=by,
        campaign=campaign,
        action=DeadlineAction.PLAN,
        unit_kind=UnitKind.SCHOOL,
        due_date=D(2023, 2, 3),
        note="Gửi Kế hoạch của đơn vị về Phòng qua thư điện tử thidua.gialam@gmail.com",
    )
    services.deadline_create(
        by=by, campaign=campaign, action=DeadlineAction.REGISTER, unit_kind=UnitKind.SCHOOL, due_date=D(2023, 2, 3)
    )
    return services.campaign_launch(campaign=campaign, by=by, today=launched_on(campaign))


def seed_001(tree, by, awards):
    """Phòng Mỹ Hòa's thematic campaign for 2024: at most 15 Bằng khen of the provincial chairman."""
    campaign = services.campaign_create(
        launched_by=tree["office_b"],
        name="Phát động phong trào thi đua “Đổi mới sáng tạo trong quản lý, giảng dạy và học tập” năm 2024",
        kind=CampaignKind.THEMATIC,
        by=by,
        period_start=D(2024, 1, 1),
        period_end=D(2024, 12, 31),
        document_symbol="KH-PGD&ĐT",
        place="Mỹ Hòa",
        legal_bases=[
            "Kế hoạch số 528/KH-SGDĐT ngày 18/3/2024 của Sở Giáo dục và Đào tạo tỉnh Hưng Yên về Phát động phong "
            "trào thi đua “Đổi mới sáng tạo trong quản lý, giảng dạy và học tập” năm 2024"
        ],
        criteria={
            ObjectGroup.COLLECTIVE: "Tổ chức thực hiện Phong trào thi đua thiết thực, đạt hiệu quả cao;",
            ObjectGroup.MANAGER: "Có phẩm chất, đạo đức tốt; có nhiều giải pháp đổi mới, sáng tạo trong công tác quản lý.",
            ObjectGroup.TEACHER: "Có nhiều giải pháp đổi mới, sáng tạo trong việc chăm sóc, giáo dục, giảng dạy.",
            ObjectGroup.STAFF: "Có giải pháp đổi mới, sáng tạo trong thực hiện nhiệm vụ được giao.",
            ObjectGroup.STUDENT: "Đoạt giải trong các kỳ thi cấp tỉnh, quốc gia, quốc tế.",
        },
    )
    services.campaign_award_set(
        by=by, campaign=campaign, award_type=awards["BK_TINH"], cap=15, note="Cho không quá 15 tập thể, cá nhân"
    )
    services.deadline_create(
        by=by, campaign=campaign, action=DeadlineAction.NOMINATE, unit_kind=UnitKind.SCHOOL, due_date=D(2024, 5, 18)
    )
    return services.campaign_launch(campaign=campaign, by=by, today=launched_on(campaign))


SEED_002_PHASES = [
    (1, "Chào mừng 42 năm ngày Nhà giáo Việt Nam", D(2024, 9, 19), D(2024, 11, 30)),
    (2, "Từ tháng 12/2024 đến kết thúc học kỳ I", D(2024, 12, 1), D(2025, 1, 15)),
    (3, "Từ đầu học kỳ II đến hết tháng 3/2025", D(2025, 1, 16), D(2025, 3, 31)),
    (4, "Từ tháng 4/2025 đến kết thúc học kỳ II", D(2025, 4, 1), D(2025, 5, 25)),
]


def seed_002(tree, by, awards):
    """The kindergarten's own plan for 2024-2025: four phases, registration in September."""
    school = tree["school_a2"]
    campaign = services.campaign_create(
        launched_by=school,
        name="Thực hiện công tác thi đua, khen thưởng năm học 2024 - 2025",
        kind=CampaignKind.PHASED,
        by=by,
        school_year=2024,
        document_number="50 a",
        document_symbol="KH-TrMNNT",
        issued_on=D(2024, 9, 19),
        place="Nam Thanh",
        legal_bases=[
            "Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022",
            "Nghị định số 98/2023/NĐ-CP ngày 31/12/2023 của Chính phủ",
            "Thông tư số 01/2024/TT-BNV ngày 24/02/2024 của Bộ Nội vụ",
            "Thông tư số 29/2023/TT-BGDĐT ngày 29/12/2023 của Bộ Giáo dục và Đào tạo",
        ],
    )
    for number, name, start, end in SEED_002_PHASES:
        services.phase_create(by=by, campaign=campaign, number=number, name=name, start=start, end=end)
    services.deadline_create(
        by=by,
        campaign=campaign,
        action=DeadlineAction.REGISTER,
        unit=school,
        due_date=D(2024, 9, 30),
        note="Đăng ký danh hiệu và ký giao ước thi đua tại Hội nghị viên chức",
    )
    return services.campaign_launch(campaign=campaign, by=by, today=launched_on(campaign))


def seed_003(tree, by, awards, catalog=None):
    """The Sở's special campaign against Covid-19, with award forms by level."""
    campaign = services.campaign_create(
        launched_by=tree["dept"],
        name="Tổ chức thực hiện phong trào thi đua đặc biệt “Toàn ngành Giáo dục và Đào tạo Hà Nội đoàn kết, "
        "chung sức thi đua phòng, chống và chiến thắng đại dịch Covid-19”",
        kind=CampaignKind.SPECIAL,
        by=by,
        period_start=D(2021, 9, 23),
        legal_bases=[
            "Quyết định số 1497/QĐ-TTg ngày 10/9/2021 của Thủ tướng Chính phủ",
            "Kế hoạch số 09/KH-HĐTĐKT ngày 23/9/2021 của Hội đồng Thi đua - Khen thưởng thành phố Hà Nội",
        ],
        criteria={
            ObjectGroup.COLLECTIVE: "Có mô hình, giải pháp, cách làm hiệu quả trong công tác phòng, chống dịch Covid-19.",
        },
    )
    for code in ("HCLD3", "BK_TTG", "BK_TINH", "GK"):
        # 2021: the catalog rows of the law then in force.
        services.campaign_award_set(by=by, campaign=campaign, award_type=catalog(code, D(2021, 9, 23)))
    services.deadline_create(
        by=by, campaign=campaign, action=DeadlineAction.NOMINATE, unit_kind=UnitKind.SCHOOL, due_date=D(2021, 12, 10)
    )
    services.deadline_create(
        by=by, campaign=campaign, action=DeadlineAction.NOMINATE, unit_kind=UnitKind.OFFICE, due_date=D(2021, 12, 20)
    )
    return services.campaign_launch(campaign=campaign, by=by, today=launched_on(campaign))


@pytest.fixture
def seeds(tree, personas, awards, catalog):
    admin = personas["admin_dept"]
    return {
        "000": seed_000(tree, admin, awards),
        "001": seed_001(tree, admin, awards),
        "002": seed_002(tree, admin, awards),
        "003": seed_003(tree, admin, awards, catalog),
    }


def visible(user):
    return set(selectors.campaigns_visible_to(user).values_list("pk", flat=True))


def test_seeds_each_school_sees_its_campaigns(seeds, personas, tree):
    secretary_b1 = make_user("binh", tree["school_b1"], Role.SECRETARY)
    ids = {key: campaign.pk for key, campaign in seeds.items()}
    assert visible(personas["secretary_a1"]) == {ids["000"], ids["003"]}
    assert visible(personas["secretary_a2"]) == {ids["000"], ids["002"], ids["003"]}
    assert visible(secretary_b1) == {ids["001"], ids["003"]}
    assert visible(personas["reviewer_a"]) == {ids["000"], ids["002"], ids["003"]}
    assert visible(personas["reviewer_b"]) == {ids["001"], ids["003"]}
    assert visible(personas["outsider"]) == set()


def test_seed_000_carries_plan_basis_and_deadline(seeds, tree):
    detail = selectors.campaign_detail(seeds["000"])
    assert [b.text[:25] for b in detail.legal_bases] == ["Kế hoạch số 4582/KH-SGDĐT", "Kế hoạch số 270/KH-UBND n"]
    assert [(d.action, d.unit_kind, d.due_date) for d in detail.deadlines] == [
        (DeadlineAction.PLAN, UnitKind.SCHOOL, D(2023, 2, 3)),
        (DeadlineAction.REGISTER, UnitKind.SCHOOL, D(2023, 2, 3)),
    ]
    assert set(selectors.deadline_pending_units(detail.deadlines[0])) == {tree["school_a1"], tree["school_a2"]}


def test_seed_001_offers_fifteen_bang_khen_and_five_criteria(seeds, awards):
    detail = selectors.campaign_detail(seeds["001"])
    assert [(a.award_type.code, a.cap) for a in detail.awards] == [("BK_TINH", 15)]
    assert str(detail.awards[0]) == f"{awards['BK_TINH'].name}: không quá 15"
    assert [c.group for c in detail.criteria] == [
        ObjectGroup.COLLECTIVE,
        ObjectGroup.MANAGER,
        ObjectGroup.STAFF,
        ObjectGroup.STUDENT,
        ObjectGroup.TEACHER,
    ]


def test_seed_002_has_four_phases_and_the_current_one(seeds):
    detail = selectors.campaign_detail(seeds["002"], today=D(2025, 2, 10))
    assert [p.number for p in detail.phases] == [1, 2, 3, 4]
    assert detail.current_phase.number == 3
    assert seeds["002"].document_reference == "Số: 50 a/KH-TrMNNT"


def test_seed_002_targets_compute_as_printed(seeds, tree, personas, awards, person_factory):
    school = tree["school_a2"]
    people = [person_factory(school) for _ in range(31)]
    lines = [
        LineInput(
            person=p,
            title=awards["CSTDCS"] if i < 11 else awards["LDTT"] if i < 30 else None,
            commendation=awards["GK"] if i < 6 else None,
        )
        for i, p in enumerate(people)
    ]
    registration = services.registration_save(
        campaign=seeds["002"],
        unit=school,
        by=personas["secretary_a2"],
        lines=lines,
        collective_title=awards["TTLDXS"],
    )
    targets = services.registration_targets(registration)
    # Seed 002 prints "35,4 %" and "19,3 %": shares cut to one decimal. It prints "97 %" for
    # 30/31 (96,77…), the same share rounded to a whole number; one rule cannot give all
    # three, and we keep the cut (it never overstates a target).
    assert [str(t) for t in targets.individual] == [
        "Lao động tiên tiến: 30/31 đạt 96,7 %",
        "Chiến sĩ thi đua cơ sở: 11/31 đạt 35,4 %",
        "Giấy khen: 6/31 đạt 19,3 %",
    ]
    assert [a.code for a in targets.collective] == ["TTLDXS"]


def test_seed_003_offers_awards_by_level_to_every_unit(seeds, tree):
    detail = selectors.campaign_detail(seeds["003"])
    assert sorted(a.award_type.code for a in detail.awards) == ["BK_TINH", "BK_TTG", "GK", "HCLD3"]
    assert all(a.cap is None for a in detail.awards)
    assert {d.unit_kind for d in detail.deadlines} == {UnitKind.SCHOOL, UnitKind.OFFICE}
    assert set(selectors.expected_registrants(seeds["003"])) == {
        tree["office_a"],
        tree["office_b"],
        tree["school_a1"],
        tree["school_a2"],
        tree["school_b1"],
    }


def test_seed_002_registration_submitted_by_head_before_deadline(seeds, tree, awards, person_factory):
    school = tree["school_a2"]
    head = make_user("nhan", school, Role.HEAD)
    person = person_factory(school)
    registration = services.registration_save(
        campaign=seeds["002"], unit=school, by=head, lines=[LineInput(person=person, title=awards["LDTT"])]
    )
    services.registration_transition(
        registration=registration, to_status=RegistrationStatus.SUBMITTED, by=head, today=D(2024, 9, 25)
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED
    assert list(selectors.deadline_pending_units(seeds["002"].deadlines.get())) == []
