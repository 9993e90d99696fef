"""The audited models: one opt-in list, each with how its history rows are scoped and labelled.

A model is audited when it is named here (and has a `history` manager, declared
in its app or registered in `audit/models.py`). Anything not named is not traced
at all: the councils' ballot box must never be added (tests/test_registry.py).

History tables carry the foreign-key ids of the row as it was (`unit_id`,
`person_id`, …) but cannot join through them, so each entry says how to scope
its history rows by the units a user may audit (`units`: a queryset of Unit, or
the few units read first, audit.selectors.FewUnits; either way `units.values("pk")`
or `units.values("path")` goes into an `__in` filter) and
the people of those units (`people`, a queryset of Person): always by id
subqueries, one SQL statement whatever the number of rows. A scope may be a
list of disjoint conditions: each becomes its own branch of the UNION, so that
PostgreSQL uses the index of each column instead of scanning for an OR.

A row is seen by the auditors of the unit it belonged to when it changed
(`unit_id` on the history row); rows attached to a person by the auditors of
the person's present unit.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Model, Q, QuerySet

from accounts.models import AccountStatusChange
from awards.models import (
    AuthorityRoute,
    AuthorityRouteStep,
    AwardRecord,
    AwardRule,
    AwardType,
    DisciplinePeriod,
    Initiative,
    Revocation,
    ServicePeriod,
    TaskEvaluation,
)
from campaigns.models import Campaign, Registration
from councils.models import CastRecord, Round
from documents.models import GeneratedDocument, ScannedOriginal
from nominations.models import AchievementReport, Attachment, Dossier, Nomination, Objection, PublicNotice
from units.models import Person, Unit, UnitRole


def _name(obj, attr: str = "name") -> str:
    return getattr(obj, attr, "") if obj is not None else ""


@dataclass(frozen=True)
class Audited:
    model: type[Model]
    label: str  # Vietnamese name shown on the page
    # (units, people, catalog_allowed) -> Q on the history table, or a list of disjoint Qs
    scope: Callable[[QuerySet, QuerySet, bool], Q | list[Q]]
    describe: Callable[[Model], str]  # the object, from the history row and its select_related FKs
    select_related: tuple[str, ...] = field(default=())

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @cached_property  # the `history` descriptor builds a manager on each access
    def history_model(self):
        return self.model.history.model


def _catalog(units, people, catalog_allowed):
    return Q() if catalog_allowed else Q(pk__in=[])


def _by_person(units, people, catalog_allowed):
    return Q(person_id__in=people.values("pk"))


def _by_nomination(units, people, catalog_allowed):
    # The proposing unit's path copied on the nomination (Nomination.dossier_unit_path): no join of the
    # nominations with their dossiers, whose estimate goes wrong under stale statistics (issue 14).
    return Q(nomination_id__in=Nomination.objects.filter(dossier_unit_path__in=units.values("path")).values("pk"))


def _record(units, people, catalog_allowed):
    # A collective's record has the unit, a person's has the person (never both: awards' CheckConstraint).
    return [Q(unit_id__in=units.values("pk")), Q(unit_id__isnull=True, person_id__in=people.values("pk"))]


def _record_q(units, people, catalog_allowed):
    first, second = _record(units, people, catalog_allowed)
    return first | second


AUDITED_MODELS: tuple[Audited, ...] = (
    Audited(Unit, "Đơn vị", lambda u, p, c: Q(id__in=u.values("pk")), lambda r: r.name),
    Audited(
        Person,
        "Cá nhân",
        lambda u, p, c: Q(unit_id__in=u.values("pk")),
        lambda r: r.full_name,
    ),
    Audited(
        UnitRole,
        "Vai trò",
        lambda u, p, c: Q(unit_id__in=u.values("pk")),
        lambda r: f"{r.get_role_display()} – {_name(r.user, 'username')} – {_name(r.unit)}",
        ("user", "unit"),
    ),
    Audited(AwardType, "Danh mục: danh hiệu, hình thức", _catalog, lambda r: f"{r.code} – {r.name}"),
    Audited(AwardRule, "Danh mục: quy tắc xét", _catalog, lambda r: f"{r.award_code} – {r.get_kind_display()}"),
    Audited(
        AwardRecord,
        "Khen thưởng",
        _record,
        lambda r: (
            f"{_name(r.award_type)} {r.school_year}-{r.school_year + 1} – "
            f"{_name(r.person, 'full_name') or _name(r.unit)}"
        ),
        ("award_type", "person", "unit"),
    ),
    Audited(
        Revocation,
        "Thu hồi khen thưởng",
        lambda u, p, c: Q(id__in=AwardRecord.objects.filter(_record_q(u, p, c)).values("revocation_id")),
        lambda r: f"{r.decision_number} ngày {r.decision_date:%d/%m/%Y}",
    ),
    Audited(
        TaskEvaluation,
        "Đánh giá, xếp loại",
        _by_person,
        lambda r: f"{_name(r.person, 'full_name')} {r.school_year}-{r.school_year + 1}: {r.get_rating_display()}",
        ("person",),
    ),
    Audited(
        Initiative,
        "Sáng kiến",
        lambda u, p, c: Q(unit_id__in=u.values("pk")),
        lambda r: f"{r.title} – {_name(r.unit)}",
        ("unit",),
    ),
    Audited(
        DisciplinePeriod,
        "Kỷ luật",
        _by_person,
        lambda r: f"{_name(r.person, 'full_name')}: {r.get_kind_display()} từ {r.start:%d/%m/%Y}",
        ("person",),
    ),
    Audited(
        ServicePeriod,
        "Quá trình công tác",
        _by_person,
        lambda r: f"{_name(r.person, 'full_name')}: {r.get_kind_display()} từ {r.start:%d/%m/%Y}",
        ("person",),
    ),
    Audited(
        AuthorityRoute,
        "Tuyến trình khen thưởng",
        lambda u, p, c: Q(unit_id__in=u.values("pk")),
        lambda r: f"{r.get_authority_kind_display()} – {_name(r.unit)} → {_name(r.decider)}",
        ("unit", "decider"),
    ),
    Audited(
        AuthorityRouteStep,
        "Tuyến trình: đơn vị chuyển qua",
        # Steps are seen by whoever sees their route (its scope unit); routes are ended, never deleted.
        lambda u, p, c: Q(route_id__in=AuthorityRoute.objects.filter(unit_id__in=u.values("pk")).values("pk")),
        lambda r: f"{r.position}. {_name(r.unit)} – tuyến trình đến {_name(r.route and r.route.decider)}",
        ("unit", "route__decider"),
    ),
    Audited(
        Campaign,
        "Phong trào thi đua",
        lambda u, p, c: Q(launched_by_id__in=u.values("pk")),
        lambda r: f"{r.name} – {_name(r.launched_by)}",
        ("launched_by",),
    ),
    Audited(
        Registration,
        "Đăng ký thi đua",
        lambda u, p, c: Q(unit_id__in=u.values("pk")),
        lambda r: f"{_name(r.unit)} – {_name(r.campaign)}",
        ("unit", "campaign"),
    ),
    Audited(
        Dossier,
        "Hồ sơ đề nghị khen thưởng",
        lambda u, p, c: Q(unit_id__in=u.values("pk")),
        lambda r: f"{_name(r.unit)} – {r.get_round_kind_display()} {r.school_year}-{r.school_year + 1}",
        ("unit",),
    ),
    Audited(
        Nomination,
        "Đề nghị khen thưởng",
        # Seen by the auditors of the proposing unit (the dossier's), as the dossier itself.
        lambda u, p, c: Q(dossier_id__in=Dossier.objects.filter(unit_id__in=u.values("pk")).values("pk")),
        lambda r: f"{_name(r.award_type)} – {_name(r.person, 'full_name') or _name(r.unit)}",
        ("award_type", "person", "unit"),
    ),
    Audited(
        Attachment,
        "Minh chứng của đề nghị",
        _by_nomination,
        lambda r: r.original_name,
    ),
    Audited(
        PublicNotice,
        "Thông báo công khai",
        lambda u, p, c: Q(unit_id__in=u.values("pk")),
        lambda r: f"{r.title} – {_name(r.unit)}",
        ("unit",),
    ),
    Audited(
        Objection,
        "Ý kiến phản ánh",
        # Seen by the auditors of the publishing unit (the notice's); the sender's details are not in the label.
        lambda u, p, c: Q(notice_id__in=PublicNotice.objects.filter(unit_id__in=u.values("pk")).values("pk")),
        lambda r: f"{r.get_status_display()} – {_name(r.notice, 'title')}",
        ("notice",),
    ),
    Audited(
        AchievementReport,
        "Báo cáo thành tích",
        # Seen by the auditors of the proposing unit (the nomination's dossier's), as the nomination itself.
        _by_nomination,
        lambda r: f"{_name(r.nomination.award_type)} – {r.nomination.candidate_name}" if r.nomination else "",
        ("nomination__award_type", "nomination__person", "nomination__unit"),
    ),
    Audited(
        CastRecord,
        "Bỏ phiếu kín",
        # Seen by the auditors of the council's unit. The row names the member and the round only: never a
        # choice, a ballot or a receipt (the ballot box itself is never audited).
        lambda u, p, c: Q(round_id__in=Round.objects.filter(meeting__council__unit_id__in=u.values("pk")).values("pk")),
        lambda r: (
            f"{_name(r.member, 'full_name')} đã bỏ phiếu – vòng {r.round.number}, phiên họp ngày "
            f"{r.round.meeting.date:%d/%m/%Y} – {_name(r.round.meeting.council)}"
            if r.round
            else f"{_name(r.member, 'full_name')} đã bỏ phiếu"
        ),
        ("member", "round__meeting__council"),
    ),
    Audited(
        GeneratedDocument,
        "Văn bản đã tạo (ký số)",
        # The issuing unit is set when the render finishes (by an UPDATE, no history row), so the rows seen
        # are the later saves: the digital signature (documents.signing), by the issuing unit's auditors.
        lambda u, p, c: Q(unit_id__in=u.values("pk")),
        lambda r: f"{r.title or r.kind} {r.number}".strip() + (f" – ký số: {r.signer_name}" if r.signer_name else ""),
    ),
    Audited(
        ScannedOriginal,
        "Bản quét văn bản đã ký",
        lambda u, p, c: Q(document_id__in=GeneratedDocument.objects.filter(unit_id__in=u.values("pk")).values("pk")),
        lambda r: f"{r.original_name} ({r.min_dpi} dpi)",
    ),
    Audited(
        AccountStatusChange,
        "Khoá / mở tài khoản",
        # By the auditors of the unit whose roles page it was done from (accounts.services.account_set_active).
        lambda u, p, c: Q(unit_id__in=u.values("pk")),
        lambda r: f"{'Mở lại' if r.active else 'Khoá'} tài khoản {_name(r.user, 'username')}",
        ("user",),
    ),
)

BY_KEY: dict[str, Audited] = {entry.key: entry for entry in AUDITED_MODELS}
