"""The inbox's campaign choices as a fixed statement around the ORM's compiled WHERE (`core.sql.own_where_sql`),
against the ORM query they replace: the same campaigns in the same order for every kind of user."""

import datetime

import pytest
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.enums import CampaignKind
from campaigns.models import Campaign
from conftest import make_user
from nominations import inbox
from nominations.enums import RECEIVED_STATES, DossierStatus
from nominations.models import Dossier
from nominations.selectors import _visible_q
from nominations.tests.conftest import YEAR
from nominations.tests.test_inbox import sent
from units.enums import Role

pytestmark = pytest.mark.django_db


def _orm_campaign_choices(user):
    """`campaign_choices` as the ORM wrote it before (the reference)."""
    dossiers = Dossier.objects.filter(_visible_q(user)).filter(inbox.addressed_q(user), status__in=RECEIVED_STATES)
    return list(
        Campaign.objects.filter(pk__in=dossiers.filter(campaign__isnull=False).values("campaign_id"))
        .order_by("-school_year", "name")
        .values_list("pk", "name")
    )


def test_campaign_choices_equal_the_orm(tree, personas, django_user_model):
    today = timezone.localdate()
    for name, year in (("Phong trào năm trước", YEAR - 1), ("B cùng năm", YEAR), ("A cùng năm", YEAR)):
        campaign = campaign_services.campaign_create(
            launched_by=tree["dept"], name=name, kind=CampaignKind.THEMATIC, school_year=year, by=None
        )
        campaign = campaign_services.campaign_launch(
            campaign=campaign, by=personas["admin_dept"], today=today - datetime.timedelta(days=2)
        )
        sent(tree["school_a2"], campaign=campaign, year=year)
        sent(tree["school_b1"], campaign=campaign, year=year, days_ago=3)
    draft = campaign_services.campaign_create(
        launched_by=tree["dept"], name="Chỉ hồ sơ chưa gửi", kind=CampaignKind.THEMATIC, school_year=YEAR, by=None
    )
    draft = campaign_services.campaign_launch(
        campaign=draft, by=personas["admin_dept"], today=today - datetime.timedelta(days=2)
    )
    sent(tree["school_b1"], campaign=draft, status=DossierStatus.DRAFT)  # not received: never a choice
    sent(tree["school_a1"], days_ago=5)  # no campaign: never a choice
    users = [
        make_user("cv-so", tree["dept"], Role.REVIEWER),
        make_user("cv-a", tree["office_a"], Role.REVIEWER),
        make_user("cv-b", tree["office_b"], Role.REVIEWER),
        *personas.values(),
        django_user_model.objects.create_superuser("root-u4", "root@example.com", "x"),
    ]
    seen = 0
    for user in users:
        expected = _orm_campaign_choices(user)
        assert inbox.campaign_choices(user) == expected, user
        seen = max(seen, len(expected))
    assert seen >= 3  # several campaigns were ordered, not only empty lists compared
    assert inbox.campaign_choices(personas["outsider"]) == []
