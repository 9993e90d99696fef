"""The dossier page's fixed reads (issue 14): the dossier found by a statement compiled once (rowload.Prepared)
and its visibility decided by the kernel's boolean `can` (selectors.dossier_is_visible) equal what the
queryset with `_visible_q` finds, for every account and every dossier (unit × receiving unit × status); the
campaign's caps equal the ORM's; a dossier outside the user's scope, or no dossier at all, answers 404."""

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from awards.models import AwardType
from campaigns import services as campaign_services
from campaigns.enums import CampaignKind
from campaigns.models import CampaignAward
from conftest import make_user
from nominations import selectors, services
from nominations.enums import DossierStatus, RoundKind
from nominations.models import Dossier
from nominations.rowload import Prepared
from nominations.views import _CAMPAIGN_CAPS
from units.enums import Role

pytestmark = pytest.mark.django_db

YEAR = 2025


def _fields(instance) -> dict:
    return {key: value for key, value in instance.__dict__.items() if key != "_state"}


def _dossiers(tree) -> list[Dossier]:
    """A dossier of each school and office, each receiving unit (none, its Phòng, the other Phòng, the Sở)
    and each status, made by copying the rows (the services would refuse most combinations)."""
    made = []
    for unit in ("school_a1", "school_a2", "school_b1", "office_a", "office_b"):
        base = services.dossier_create(by=None, unit=tree[unit], round_kind=RoundKind.YEAR_END, school_year=YEAR)
        for receiving in (None, "office_a", "office_b", "dept"):
            for status in DossierStatus.values:
                made.append((base.unit, tree[receiving] if receiving else None, status))
    rows = []
    for unit, receiving, status in made:
        dossier = Dossier(
            unit=unit, receiving_unit=receiving, status=status, round_kind=RoundKind.YEAR_END, school_year=YEAR
        )
        dossier.save()
        rows.append(dossier)
    return rows


def _accounts(tree, personas, django_user_model) -> list:
    return [
        *personas.values(),
        make_user("cv-so", tree["dept"], Role.REVIEWER),
        make_user("thu-truong-a", tree["office_a"], Role.HEAD),
        make_user("thu-truong-so", tree["dept"], Role.HEAD),
        django_user_model.objects.create_superuser("root-x2", "root@example.com", "x"),
    ]


def test_visibility_by_can_equals_the_visibility_q_for_every_account_and_dossier(tree, personas, django_user_model):
    dossiers = _dossiers(tree)
    ids = [d.pk for d in dossiers]
    loaded = {pk: selectors._DOSSIER_WITH_UNITS.instances(pk)[0] for pk in ids}
    seen, hidden = 0, 0
    for user in _accounts(tree, personas, django_user_model):
        expected = set(Dossier.objects.filter(selectors._visible_q(user), pk__in=ids).values_list("pk", flat=True))
        assert {pk for pk, d in loaded.items() if selectors.dossier_is_visible(user, d)} == expected, user
        seen, hidden = seen + len(expected), hidden + len(ids) - len(expected)
    assert seen > 100 and hidden > 100  # both answers were compared many times, not one of them only


def test_dossier_page_get_is_the_orms_dossier_with_its_units_and_campaign(tree, personas, dossier):
    campaign = campaign_services.campaign_create(
        launched_by=tree["dept"],
        name="Phong trào «Dạy tốt – học tốt»",
        kind=CampaignKind.THEMATIC,
        school_year=YEAR,
        by=None,
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        campaign=campaign, receiving_unit=tree["office_a"], status=DossierStatus.UNDER_APPRAISAL
    )
    for pk in (dossier.pk, services.dossier_create(by=None, unit=tree["school_b1"], round_kind=RoundKind.YEAR_END,
                                                   school_year=YEAR).pk):  # fmt: skip
        orm = Dossier.objects.select_related("unit", "receiving_unit", "campaign").get(pk=pk)
        got = selectors.dossier_page_get(personas["admin_dept"], pk)
        assert _fields(got) == _fields(orm)
        for relation in ("unit", "receiving_unit", "campaign"):
            assert Dossier._meta.get_field(relation).is_cached(got)
            theirs, ours = getattr(orm, relation), getattr(got, relation)
            assert (ours is None) == (theirs is None)
            if ours is not None:
                assert (type(ours), _fields(ours), ours._state.adding) == (type(theirs), _fields(theirs), False)
    assert selectors.dossier_page_get(personas["reviewer_a"], dossier.pk).campaign_id == campaign.pk


def test_dossier_page_get_answers_404_outside_the_scope_and_for_no_dossier(tree, personas, dossier):
    assert selectors.dossier_page_get(personas["secretary_a1"], str(dossier.pk)).pk == dossier.pk
    for user, pk in (
        (personas["secretary_a2"], dossier.pk),  # a sibling school
        (personas["reviewer_b"], dossier.pk),  # another Phòng's reviewer
        (personas["outsider"], dossier.pk),
        (personas["admin_dept"], dossier.pk + 1000),
        (personas["admin_dept"], "abc"),
    ):
        with pytest.raises(Http404):
            selectors.dossier_page_get(user, pk)
            pytest.fail(f"{user} found dossier {pk}")


def test_dossier_page_answers_404_to_a_sibling_school_and_200_to_its_own(client, personas, dossier):
    url = reverse("nominations:dossier_detail", args=[dossier.pk])
    client.force_login(personas["secretary_a2"])
    assert client.get(url).status_code == 404
    client.force_login(personas["secretary_a1"])
    assert client.get(url).status_code == 200


def test_campaign_caps_equal_the_orms(tree):
    campaign = campaign_services.campaign_create(
        launched_by=tree["dept"], name="Phong trào thi đua", kind=CampaignKind.THEMATIC, school_year=YEAR, by=None
    )
    for award, cap in zip(AwardType.objects.order_by("rank", "pk")[:3], (15, None, 3), strict=False):
        CampaignAward.objects.create(campaign=campaign, award_type=award, cap=cap)
    expected = dict(campaign.awards.filter(cap__isnull=False).values_list("award_type__code", "cap"))
    assert len(expected) == 2  # the award without a cap is left out
    assert dict(_CAMPAIGN_CAPS.rows(campaign.pk)) == expected
    assert _CAMPAIGN_CAPS.rows(campaign.pk + 1000) == []


def test_prepared_refuses_a_queryset_without_its_value_and_values_rows_as_instances(tree):
    with pytest.raises(RuntimeError):
        Prepared(lambda pk: Dossier.objects.all()).rows(1)
    with pytest.raises(RuntimeError):
        Prepared(lambda pk: Dossier.objects.filter(pk=pk).values_list("pk")).instances(1)
    assert timezone.now()  # the module's clock is the project's (no naive datetimes compared above)


def test_a_stale_copy_of_the_units_path_leaves_the_decision_to_the_scoped_queryset(tree, personas, dossier):
    """Should the dossier's copy of its unit's path ever differ from the unit's, the SQL rule (on the copy)
    decides, not `can` (on the unit): the Phòng's reviewer reads the school's dossier by its path."""
    reviewer = personas["reviewer_a"]
    assert selectors.dossier_page_get(reviewer, dossier.pk).pk == dossier.pk
    Dossier.objects.filter(pk=dossier.pk).update(unit_path=tree["office_b"].path + "999.")
    assert selectors.dossier_is_visible(reviewer, selectors._DOSSIER_WITH_UNITS.instances(dossier.pk)[0])
    assert not Dossier.objects.filter(selectors._visible_q(reviewer), pk=dossier.pk).exists()
    with pytest.raises(Http404):
        selectors.dossier_page_get(reviewer, dossier.pk)
