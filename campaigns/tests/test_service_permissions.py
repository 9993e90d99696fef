"""Every write of a campaign's plan (the campaign, its phases, awards on offer, deadlines), of compacts and
of deadline reopenings checks `by` itself (units.rules.require).

One table: each service with the capability it requires on School A1 (conftest.ACTORS names who holds
it there, who holds the same role on the sibling school, and who is inside without it). The holder
succeeds and changes something; the other two are refused with PermissionDenied and nothing changes.
"""

import datetime

import pytest

from campaigns import services
from campaigns.enums import CampaignKind, DeadlineAction
from campaigns.models import Campaign, CampaignAward, Compact, Deadline, DeadlineExtension, Phase
from conftest import service_permission_tests
from units.enums import UnitKind
from units.services import block_create, unit_create

from .conftest import award

D = datetime.date
MODELS = (Campaign, Phase, CampaignAward, Deadline, Compact, DeadlineExtension)


@pytest.fixture
def world(tree, actors):
    """School A1's draft plan with a phase, an award on offer and a deadline; a block School A1 organises
    for its two teams; Phòng A's plan whose registration deadline for schools has passed."""
    school = tree["school_a1"]
    plan = services.campaign_create(
        by=None,
        launched_by=school,
        name="Kế hoạch thi đua năm học 2024-2025",
        kind=CampaignKind.REGULAR,
        school_year=2024,
    )
    office_plan = services.campaign_create(
        by=None, launched_by=tree["office_a"], name="Phong trào của Phòng", kind=CampaignKind.REGULAR, school_year=2024
    )
    team_b = unit_create(by=None, name="Tổ khối 2", kind=UnitKind.TEAM, parent=school)
    return {
        **tree,
        "plan": plan,
        "phase": services.phase_create(by=None, campaign=plan, number=1, start=D(2024, 9, 5), end=D(2024, 11, 30)),
        "offer": services.campaign_award_set(by=None, campaign=plan, award_type=award("GK")),
        "deadline": services.deadline_create(
            by=None, campaign=plan, action=DeadlineAction.PLAN, unit_kind=UnitKind.TEAM, due_date=D(2024, 10, 1)
        ),
        "block": block_create(by=None, name="Cụm tổ", owner=school, members=[tree["team_a1"], team_b]),
        "team_b": team_b,
        "office_deadline": services.deadline_create(
            by=None,
            campaign=office_plan,
            action=DeadlineAction.REGISTER,
            unit_kind=UnitKind.SCHOOL,
            due_date=D(2024, 10, 15),
        ),
    }


CASES = {
    "campaign_create": (
        "file",
        lambda w, by: services.campaign_create(
            by=by, launched_by=w["school_a1"], name="Phong trào mới", kind=CampaignKind.THEMATIC, school_year=2024
        ),
    ),
    "campaign_update": ("file", lambda w, by: services.campaign_update(by=by, campaign=w["plan"], place="Hà Nội")),
    "phase_create": (
        "file",
        lambda w, by: services.phase_create(
            by=by, campaign=w["plan"], number=2, start=D(2024, 12, 1), end=D(2025, 1, 15)
        ),
    ),
    "phase_update": ("file", lambda w, by: services.phase_update(by=by, phase=w["phase"], name="Chào mừng 20/11")),
    "campaign_award_set": (
        "file",
        lambda w, by: services.campaign_award_set(by=by, campaign=w["plan"], award_type=award("GK"), cap=3),
    ),
    "campaign_award_remove": ("file", lambda w, by: services.campaign_award_remove(by=by, award=w["offer"])),
    "deadline_create": (
        "file",
        lambda w, by: services.deadline_create(
            by=by, campaign=w["plan"], action=DeadlineAction.REPORT, unit_kind=UnitKind.TEAM, due_date=D(2025, 5, 1)
        ),
    ),
    "deadline_delete": ("file", lambda w, by: services.deadline_delete(by=by, deadline=w["deadline"])),
    "compact_create": (
        "file",
        lambda w, by: services.compact_create(
            by=by,
            block=w["block"],
            title="Giao ước thi đua 2024-2025",
            text="Dạy tốt, học tốt.",
            signed_on=D(2024, 9, 20),
            units=[w["team_a1"], w["team_b"]],
        ),
    ),
    "deadline_extend": (
        "oversee",
        lambda w, by: services.deadline_extend(
            by=by, deadline=w["office_deadline"], unit=w["school_a1"], until=D(2024, 10, 20), today=D(2024, 10, 16)
        ),
    ),
}


(
    test_service_done_by_the_holder_of_its_capability,
    test_service_refused_to_others_and_nothing_changes,
    test_service_requires_by_as_a_keyword_without_default,
) = service_permission_tests(CASES, MODELS, lambda name: getattr(services, name))


def test_campaign_update_history_row_names_by(world, actors):
    services.campaign_update(by=actors["secretary_a1"], campaign=world["plan"], place="Hà Nội")
    assert world["plan"].history.latest().history_user == actors["secretary_a1"]
