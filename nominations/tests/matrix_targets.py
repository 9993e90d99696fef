"""The nominations objects the permission matrix (core/tests/test_permission_matrix.py) asks about.

A year-end dossier of the reference school, complete and ready for its head to send (one nomination of a
teacher of one of its teams, the tờ trình filled, the verdict overridden by the system if needed, an
evidence file), and a campaign dossier of the same school for the one click from its registration; made
through the services as the school would, reused when already there. `nomination_bodies` are the POST
bodies that act: the head sends the dossier, a reviewer's "accept" (refused to all: the dossier is not under
appraisal yet), the one click.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from awards.routing import route
from campaigns.enums import CampaignStatus
from campaigns.models import Campaign
from campaigns.selectors import may_register
from core.tests import upload_files
from nominations import services
from nominations.decisions import decision_record
from nominations.enums import DossierStatus, NominationStatus, RoundKind
from nominations.models import Attachment, Decision, Dossier, Nomination
from units.models import Person


def nomination_targets(school, admin) -> dict[str, int]:
    teacher = Person.objects.filter(unit__parent=school, position="Giáo viên", user=None).order_by("pk").first()
    dossier = services.dossier_create(by=None, unit=school, round_kind=RoundKind.YEAR_END, school_year=2025)
    nomination = Nomination.objects.filter(dossier=dossier).order_by("pk").first() or services.nomination_add(
        by=None, dossier=dossier, award_code="LDTT", person=teacher, summary="Hoàn thành xuất sắc nhiệm vụ."
    )
    attachment = Attachment.objects.filter(nomination=nomination).order_by("pk").first() or services.attachment_add(
        by=None,
        nomination=nomination,
        upload=SimpleUploadedFile("minh-chung.pdf", upload_files.pdf()),
    )
    if not dossier.submission_number:
        services.dossier_update(
            by=None,
            dossier=dossier,
            version=None,
            submission_number="01/TTr-MN",
            submission_date=datetime.date(2026, 5, 25),
            submission_signer="Hiệu trưởng",
        )
    if not nomination.is_overridden:
        services.nomination_override(
            by=admin, nomination=nomination, version=None, criterion="Luật Thi đua, khen thưởng 2022", reason="Thử."
        )
    ids = {"dossier": dossier.pk, "nomination": nomination.pk, "attachment": attachment.pk}
    campaign = (
        Campaign.objects.filter(launched_by=school.parent, status=CampaignStatus.LAUNCHED, registrations__unit=school)
        .order_by("pk")
        .first()
    )
    if campaign is not None and may_register(campaign, school):
        campaign_dossier = services.dossier_create(
            by=None, unit=school, round_kind=RoundKind.CAMPAIGN, school_year=campaign.school_year, campaign=campaign
        )
        ids["campaign_dossier"] = campaign_dossier.pk
    ids.update(decision_targets(school, admin))
    return ids


DECISION_NUMBER = "01/QĐ-MATRAN"


def decision_targets(school, admin) -> dict[str, int]:
    """A decision of the unit that decides the school's LĐTT (its route on the decision day) granting the
    LĐTT of another teacher, from an exemplary-round dossier under appraisal there (the dossier of the
    "record a decision" page); recorded by the superuser through the service, reused when already there."""
    day = datetime.date(2026, 6, 15)
    decider = route(school, "LDTT", day).decider
    if decider is None:
        return {}
    decision = Decision.objects.filter(deciding_unit=decider, number=DECISION_NUMBER).first()
    if decision is None:
        teacher = (
            Person.objects.filter(unit__parent=school, position="Giáo viên", user=None)
            .exclude(award_records__award_type__code="LDTT", award_records__school_year=2025)
            .order_by("-pk")
            .first()
        )
        dossier = services.dossier_create(by=None, unit=school, round_kind=RoundKind.EXEMPLARY, school_year=2025)
        nomination = services.nomination_add(
            by=None, dossier=dossier, award_code="LDTT", person=teacher, summary="Hoàn thành xuất sắc nhiệm vụ."
        )
        Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_APPRAISAL, receiving_unit=decider)
        Nomination.objects.filter(pk=nomination.pk).update(status=NominationStatus.ACCEPTED)
        decision = decision_record(
            by=admin,
            deciding_unit=decider,
            number=DECISION_NUMBER,
            date=day,
            signer="Chủ tịch",
            issuer=decider.name,
            school_year=2025,
            granted=[Nomination.objects.get(pk=nomination.pk)],
        )
    dossier_id = decision.nominations.values_list("dossier_id", flat=True).first()
    return {"decision": decision.pk, "decision_dossier": dossier_id}


def nomination_bodies(ids) -> dict[str, dict[str, str]]:
    dossier = Dossier.objects.get(pk=ids["dossier"])
    nomination = Nomination.objects.get(pk=ids["nomination"])
    return {
        "nominations:dossier_transition": {"transition": "send", "version": str(dossier.version)},
        "nominations:nomination_transition": {"transition": "accept", "version": str(nomination.version)},
        "nominations:nominations_from_registration": {"award": ""},
    }
