"""The nominations rows of core/tests/test_workflow_matrix.py: objects, the state each action starts from,
who may take it, and the setup that satisfies its guards (so only who may decides the outcome)."""

import datetime

from awards.enums import TaskRating
from awards.models import TaskEvaluation
from nominations import services
from nominations.enums import DossierStatus as D
from nominations.enums import NominationStatus as N
from nominations.enums import RoundKind
from nominations.models import Dossier, Nomination

SCHOOL_FILERS = {"secretary_a1", "head_a1", "admin_dept"}
APPRAISER = {"reviewer_a"}

EXPECTED = {
    ("dossier", "send_to_head"): (D.DRAFT, {"secretary_a1", "admin_dept"}),
    ("dossier", "send_back"): (D.AWAITING_HEAD, {"head_a1"}),
    ("dossier", "send"): (D.AWAITING_HEAD, {"head_a1"}),
    ("dossier", "resend"): (D.RETURNED, {"head_a1"}),
    ("dossier", "start_appraisal"): (D.SENT, APPRAISER),
    ("dossier", "return"): (D.UNDER_APPRAISAL, APPRAISER),
    ("dossier", "appraise"): (D.UNDER_APPRAISAL, APPRAISER),
    ("dossier", "forward"): (D.APPRAISED, APPRAISER),
    ("dossier", "decide"): (D.APPRAISED, APPRAISER),
    ("nomination", "return"): (N.PROPOSED, APPRAISER),
    ("nomination", "resubmit"): (N.RETURNED, SCHOOL_FILERS),
    ("nomination", "accept"): (N.PROPOSED, APPRAISER),
    ("nomination", "not_accept"): (N.PROPOSED, APPRAISER),
    ("nomination", "pass_to_council"): (N.ACCEPTED, APPRAISER),
    ("nomination", "council_approve"): (N.PASSED_TO_COUNCIL, APPRAISER),
    ("nomination", "council_reject"): (N.PASSED_TO_COUNCIL, APPRAISER),
    ("nomination", "forward"): (N.ACCEPTED, APPRAISER),
    ("nomination", "award"): (N.ACCEPTED, APPRAISER),
    ("nomination", "not_award"): (N.ACCEPTED, APPRAISER),
    # The level below learns the outcome from whoever appraises the nomination above it in the roll-up chain.
    ("nomination", "award_down"): (N.FORWARDED, APPRAISER),
    ("nomination", "not_award_down"): (N.FORWARDED, APPRAISER),
}
PARAMS = {
    "not_accept": {"comment": "Chưa đủ tiêu chuẩn"},
    "council_reject": {"comment": "Không đủ số phiếu"},
    "not_award": {"comment": "Cấp quyết định không khen"},
    "not_award_down": {"comment": "Cấp quyết định không khen"},
}
MODELS = {"dossier": Dossier, "nomination": Nomination}


def workflow_objects(tree, person_factory) -> dict:
    """School A1's complete year-end dossier (tờ trình filled) with an eligible LĐTT of a teacher rated HTXS."""
    teacher = person_factory(tree["school_a1"])
    TaskEvaluation.objects.create(person=teacher, school_year=2025, rating=TaskRating.EXCELLENT)
    dossier = services.dossier_create(by=None, unit=tree["school_a1"], round_kind=RoundKind.YEAR_END, school_year=2025)
    nomination = services.nomination_add(
        by=None, dossier=dossier, award_code="LDTT", person=teacher, summary="Hoàn thành xuất sắc nhiệm vụ."
    )
    services.dossier_update(
        by=None,
        dossier=dossier,
        version=None,
        submission_number="3/TTr-THA1",
        submission_date=datetime.date(2026, 5, 25),
        submission_signer="Hiệu trưởng",
    )
    return {"dossier": Dossier.objects.get(pk=dossier.pk), "nomination": Nomination.objects.get(pk=nomination.pk)}


def prepare(key, objects) -> None:
    """Put the other object in the state the action's guards and predicates need."""
    name, action = key
    nomination = objects.get("nomination")
    if nomination is None:
        return
    if name == "nomination" and action in ("award_down", "not_award_down"):
        _upper_with_outcome(nomination, N.AWARDED if action == "award_down" else N.NOT_AWARDED)
    elif name == "nomination":
        Dossier.objects.filter(pk=nomination.dossier_id).update(status=D.UNDER_APPRAISAL)
    elif action in ("appraise", "decide"):
        Nomination.objects.filter(pk=nomination.pk).update(status=N.NOT_ACCEPTED)
    elif action == "forward":
        Nomination.objects.filter(pk=nomination.pk).update(status=N.FORWARDED)


def _upper_with_outcome(nomination, outcome) -> None:
    """A nomination higher in the roll-up chain (its source is `nomination`) already decided with `outcome`,
    in a dossier received by the proposing unit's parent (Phòng A, whose reviewer is the APPRAISER)."""
    unit = nomination.dossier.unit
    upper_dossier = Dossier.objects.create(
        unit=unit,
        round_kind=RoundKind.EXEMPLARY,
        school_year=nomination.dossier.school_year,
        receiving_unit=unit.parent,
        status=D.APPRAISED,
    )
    Nomination.objects.create(
        dossier=upper_dossier,
        person=nomination.person,
        award_type=nomination.award_type,
        source=nomination,
        status=outcome,
    )
