import datetime

import pytest

from awards.enums import AuthorityKind, AwardCategory, RecipientKind
from awards.models import AwardType, in_force_q
from campaigns import services
from campaigns.enums import CampaignKind, DeadlineAction
from units.enums import UnitKind

# Codes as the awards catalog uses them; get_or_create so that a catalog loaded by
# the awards app's data migration is reused rather than duplicated.
AWARDS = {
    "LDTT": ("Lao động tiên tiến", AwardCategory.TITLE, RecipientKind.INDIVIDUAL, AuthorityKind.UNIT_HEAD, 10),
    "CSTDCS": ("Chiến sĩ thi đua cơ sở", AwardCategory.TITLE, RecipientKind.INDIVIDUAL, AuthorityKind.UNIT_HEAD, 20),
    "TTLDTT": (
        "Tập thể lao động tiên tiến",
        AwardCategory.TITLE,
        RecipientKind.COLLECTIVE,
        AuthorityKind.UNIT_HEAD,
        30,
    ),
    "TTLDXS": (
        "Tập thể lao động xuất sắc",
        AwardCategory.TITLE,
        RecipientKind.COLLECTIVE,
        AuthorityKind.PROVINCIAL_CHAIR,
        40,
    ),
    "GK": ("Giấy khen", AwardCategory.COMMENDATION, RecipientKind.BOTH, AuthorityKind.UNIT_HEAD, 50),
    "BK_TINH": (
        "Bằng khen của Chủ tịch UBND tỉnh",
        AwardCategory.COMMENDATION,
        RecipientKind.BOTH,
        AuthorityKind.PROVINCIAL_CHAIR,
        60,
    ),
    "BK_TTG": (
        "Bằng khen của Thủ tướng Chính phủ",
        AwardCategory.COMMENDATION,
        RecipientKind.BOTH,
        AuthorityKind.PRIME_MINISTER,
        70,
    ),
    "HCLD3": (
        "Huân chương Lao động hạng Ba",
        AwardCategory.COMMENDATION,
        RecipientKind.BOTH,
        AuthorityKind.PRESIDENT,
        80,
    ),
}


CURRENT = datetime.date(2024, 9, 1)


def award(code: str, on: datetime.date = CURRENT) -> AwardType:
    """The catalog row of `code` in force on `on`, created (for tests of older plans) when missing."""
    existing = AwardType.objects.filter(in_force_q(on), code=code).order_by("-effective_from").first()
    if existing is not None:
        return existing
    later = AwardType.objects.filter(code=code, effective_from__gt=on).order_by("effective_from").first()
    name, category, recipient, authority, rank = AWARDS[code]
    return AwardType.objects.create(
        code=code,
        name=name,
        category=category,
        recipient_kind=recipient,
        authority_kind=authority,
        rank=rank,
        effective_from=min(datetime.date(2018, 1, 1), on),
        effective_to=later.effective_from - datetime.timedelta(days=1) if later else None,
    )


@pytest.fixture
def awards(db):
    return {code: award(code) for code in AWARDS}


@pytest.fixture
def catalog(db):
    """award(code, on=date): a catalog row in force on a date (older plans need older rows)."""
    return award


@pytest.fixture
def office_campaign(tree, personas, awards):
    """Phòng A's launched regular campaign for 2024-2025, schools register by 15/10/2024."""
    campaign = services.campaign_create(
        launched_by=tree["office_a"],
        name="Công tác thi đua, khen thưởng năm học 2024-2025",
        kind=CampaignKind.REGULAR,
        school_year=2024,
        by=personas["secretary_office_a"],
    )
    services.deadline_create(
        by=None,
        campaign=campaign,
        action=DeadlineAction.REGISTER,
        unit_kind=UnitKind.SCHOOL,
        due_date=datetime.date(2024, 10, 15),
    )
    return services.campaign_launch(campaign=campaign, by=personas["admin_dept"], today=CURRENT)


@pytest.fixture
def teams(tree):
    """School A1's three teams (tổ): the root tree's "Tổ khối 1" and two more, by name."""
    from units.services import unit_create

    school = tree["school_a1"]
    return [
        tree["team_a1"],
        unit_create(by=None, name="Tổ khối 2", kind=UnitKind.TEAM, parent=school),
        unit_create(by=None, name="Tổ văn phòng", kind=UnitKind.TEAM, parent=school),
    ]
