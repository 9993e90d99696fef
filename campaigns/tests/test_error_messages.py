"""No refusal names a unit the user may not see: ids posted from outside the scope get a generic message."""

import datetime

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.enums import CampaignKind, DeadlineAction, ReachKind
from core.exceptions import ServiceError
from units.services import block_create

pytestmark = pytest.mark.django_db

OUTSIDE = "Trường THCS B1"  # Phòng B's school: outside Phòng A and everyone under it


@pytest.fixture
def draft(tree, personas):
    """Phòng A's campaign being drafted by its TĐKT secretary, reaching school A1 only."""
    return services.campaign_create(
        launched_by=tree["office_a"],
        name="Thi đua dạy tốt 2024-2025",
        kind=CampaignKind.THEMATIC,
        school_year=2024,
        reach=ReachKind.UNITS,
        reach_units=[tree["school_a1"]],
        by=personas["secretary_office_a"],
    )


def test_deadline_for_a_unit_outside_the_campaign_does_not_name_it(draft, tree):
    with pytest.raises(ServiceError) as refused:
        services.deadline_create(
            by=None,
            campaign=draft,
            action=DeadlineAction.REGISTER,
            unit=tree["school_b1"],
            due_date=datetime.date(2024, 10, 15),
        )
    assert str(refused.value) == "Đơn vị được chọn không thuộc phạm vi của phong trào."


def test_deadline_page_posting_an_out_of_scope_unit_id_shows_no_name(client, draft, tree, personas):
    client.force_login(personas["secretary_office_a"])
    response = client.post(
        reverse("campaigns:deadline_add", args=[draft.pk]),
        {"action": DeadlineAction.REGISTER, "unit": tree["school_b1"].pk, "due_date": "15/10/2024"},
    )
    assert response.status_code == 200  # the form again, with an error
    assert response.context["form"].errors
    assert OUTSIDE not in response.content.decode()
    assert draft.deadlines.count() == 0


def test_campaign_reaching_a_unit_outside_the_launcher_does_not_name_it(tree):
    with pytest.raises(ServiceError) as refused:
        services.campaign_create(
            launched_by=tree["office_a"],
            name="Phong trào thử",
            kind=CampaignKind.THEMATIC,
            school_year=2024,
            reach=ReachKind.UNITS,
            reach_units=[tree["school_a1"], tree["school_b1"]],
            by=None,
        )
    assert str(refused.value) == "Có đơn vị được chọn không thuộc phạm vi quản lý của đơn vị phát động."


def test_campaign_reaching_a_block_with_outside_members_does_not_name_it(tree):
    mixed = block_create(
        by=None, name="Cụm liên huyện", owner=tree["dept"], members=[tree["school_a1"], tree["school_b1"]]
    )
    with pytest.raises(ServiceError) as refused:
        services.campaign_create(
            launched_by=tree["office_a"],
            name="Phong trào thử",
            kind=CampaignKind.THEMATIC,
            school_year=2024,
            reach=ReachKind.BLOCKS,
            reach_blocks=[mixed],
            by=None,
        )
    assert "Cụm liên huyện" not in str(refused.value)
    assert OUTSIDE not in str(refused.value)


def test_compact_with_a_signer_outside_the_block_does_not_name_it(tree, personas):
    block = block_create(by=None, name="Khối A", owner=tree["office_a"], members=[tree["school_a1"], tree["school_a2"]])
    with pytest.raises(ServiceError) as refused:
        services.compact_create(
            block=block,
            title="Giao ước",
            text="Thi đua dạy tốt, học tốt.",
            signed_on=datetime.date(2024, 9, 20),
            units=[tree["school_a1"], tree["school_b1"]],
            by=personas["secretary_office_a"],
        )
    assert str(refused.value) == "Có đơn vị ký không thuộc Khối A."


def test_deadline_complete_for_a_unit_it_does_not_apply_to_does_not_name_it(draft, tree):
    plan = services.deadline_create(
        by=None,
        campaign=draft,
        action=DeadlineAction.PLAN,
        unit=tree["school_a1"],
        due_date=datetime.date(2024, 10, 15),
    )
    with pytest.raises(ServiceError) as refused:
        services.deadline_complete(deadline=plan, unit=tree["school_b1"], by=None, today=datetime.date(2024, 10, 1))
    assert str(refused.value) == "Hạn chót này không áp dụng cho đơn vị được chọn."
