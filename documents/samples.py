"""The demo object each document kind is shown with (`manage.py documents_samples`, `bench.documents`).

One finder per model, so a kind registered later (by its model) finds its sample without a change here.
Each finder reads the demo of `seed_demo` (the reference school is Trường Mầm non Hoa Sen of Phòng Bình
Lâm) and falls back to the nearest thing the demo has; None when the demo holds nothing of that model.
"""

from collections.abc import Callable

from django.db.models import Case, Count, IntegerField, Q, Value, When

from . import registry

REFERENCE_SCHOOL = "Trường Mầm non Hoa Sen"
REFERENCE_DISTRICT = "Bình Lâm"


def _reference_first(queryset, unit_field: str, *then: str):
    """Order `queryset` so rows of the reference school come first, then those under Phòng Bình Lâm, then by
    `then` and the id."""
    reference = {f"{unit_field}__name": REFERENCE_SCHOOL, f"{unit_field}__parent__name__endswith": REFERENCE_DISTRICT}
    return queryset.annotate(
        _ref=Case(
            When(**reference, then=Value(0)),
            When(**{f"{unit_field}__parent__name__endswith": REFERENCE_DISTRICT}, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("_ref", *then, "pk")


def dossier():
    """A school's dossier that has left the draft, with nominations (the reference school's when it has one,
    one with its tờ trình numbered before one without)."""
    from nominations.enums import DossierStatus
    from nominations.models import Dossier
    from units.enums import UnitKind

    dossiers = (
        Dossier.objects.filter(unit__kind=UnitKind.SCHOOL)
        .exclude(status=DossierStatus.DRAFT)
        .annotate(_n=Count("nominations"))
        .filter(_n__gt=0)
        .annotate(_unnumbered=Case(When(submission_number="", then=Value(1)), default=Value(0)))
    )
    return _reference_first(dossiers, "unit", "_unnumbered").first()


def meeting():
    """A council meeting with a closed (or published) round."""
    from councils.enums import RoundStatus
    from councils.models import Meeting

    meetings = Meeting.objects.filter(rounds__status__in=[RoundStatus.CLOSED, RoundStatus.PUBLISHED]).distinct()
    return _reference_first(meetings, "council__unit").first()


def decision():
    """A decision that granted nominations."""
    from nominations.models import Decision

    return Decision.objects.filter(nominations__isnull=False).distinct().order_by("pk").first()


def nomination():
    """An individual's nomination with its báo cáo thành tích (the reference school's first)."""
    from nominations.models import Nomination

    nominations = Nomination.objects.filter(report__isnull=False).filter(Q(person__isnull=False))
    return _reference_first(nominations, "dossier__unit").first()


def unit():
    """The Phòng of the reference school."""
    from units.enums import UnitKind
    from units.models import Unit

    return Unit.objects.filter(kind=UnitKind.OFFICE, name__endswith=REFERENCE_DISTRICT).order_by("pk").first()


def campaign():
    """A launched campaign (one of Phòng Bình Lâm's first)."""
    from campaigns.enums import CampaignStatus
    from campaigns.models import Campaign

    campaigns = Campaign.objects.exclude(status=CampaignStatus.DRAFT).annotate(
        _ref=Count("pk", filter=Q(launched_by__name__endswith=REFERENCE_DISTRICT))
    )
    return campaigns.order_by("-_ref", "pk").first()


FINDERS: dict[str, Callable] = {
    "nominations.dossier": dossier,
    "councils.meeting": meeting,
    "nominations.decision": decision,
    "nominations.nomination": nomination,
    "units.unit": unit,
    "campaigns.campaign": campaign,
}


def demo_object(kind: registry.DocumentKind):
    """The demo object to show `kind` with, or None (no finder for its model, or nothing in the demo)."""
    finder = FINDERS.get(kind.model._meta.label_lower)
    return finder() if finder else None
