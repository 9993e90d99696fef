"""The permission matrix: every URL of the portal, as every persona, against a table kept in the repo.

For each URL pattern (the walk of test_permission_coverage), `TARGETS` says how to
pick a real id of the demo province for each URL parameter: objects of the
reference school (Trường Mầm non Hoa Sen, Bình Lâm) or its Phòng, so that the
expected status differs by persona. Each persona (and an anonymous visitor)
GETs every URL; the status must equal `permission_matrix.EXPECTED`, and no
response (HTML, Excel read back with openpyxl, any other file) may show the
name of a person or unit outside the persona's scope (`units.rules.people_in_scope`,
`units_in_scope`; the units above them and the launching units of the campaigns
it sees may appear).

Adding a URL: give its view a rule of units/view_rules.py, add a `TARGETS` entry
for each of its parameters, and a row to permission_matrix.EXPECTED (run with
PERMISSION_MATRIX_PRINT=1 to print the observed rows, then check each against
the role table of units/rules.py before pasting it).
"""

import datetime
import html
import inspect
import io
import os
import re
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from core.tests.permission_matrix import ANONYMOUS, EXPECTED, KNOWN_BUGS, OUTSIDER, PERSONAS, POST_EXPECTED
from core.tests.test_permission_coverage import own_named_patterns

REFERENCE_SCHOOL = ("Trường Mầm non Hoa Sen", "Bình Lâm")
# Another school of the same Phòng: its objects are the second target of every URL about a school-level
# object (rows "<url name>@sibling"), so that the reference school's personas must get 404 there.
SIBLING_SCHOOL = ("Trường Mầm non Sơn Ca", "Bình Lâm")
SIBLING = "@sibling"
# (url name, kwarg) -> the key of `Targets.ids`: which demo object the URL is asked about.
TARGETS = {
    ("units:detail", "pk"): "school",
    ("units:edit", "pk"): "school",
    ("units:roles", "pk"): "school",
    ("units:child_create", "pk"): "school",
    ("units:move", "pk"): "school",
    ("units:role_revoke", "pk"): "school",
    ("units:role_revoke", "role_pk"): "school_role",
    ("units:person_create", "unit_pk"): "school",
    ("units:people_import", "unit_pk"): "school",
    ("units:people_export", "unit_pk"): "office",
    ("units:person_detail", "pk"): "person",
    ("units:person_edit", "pk"): "person",
    ("units:person_transfer", "pk"): "person",
    ("units:block_detail", "pk"): "block",
    ("units:block_edit", "pk"): "block",
    ("awards:catalog_detail", "pk"): "award_type",
    ("awards:person_history", "pk"): "person",
    ("awards:person_check", "pk"): "person",
    ("awards:unit_history", "pk"): "office",
    ("awards:unit_check", "pk"): "school",
    ("awards:unit_records_export", "pk"): "office",
    ("awards:initiative_list", "unit_pk"): "office",
    ("awards:initiative_create", "unit_pk"): "school",
    ("awards:history_import", "unit_pk"): "school",
    ("awards:history_import", "kind"): "import_kind",
    ("awards:evaluation_grid", "unit_pk"): "school",
    ("awards:decision_create", "unit_pk"): "office",
    ("awards:discipline_create", "person_pk"): "person",
    ("awards:discipline_end", "pk"): "discipline",
    ("awards:discipline_delete", "pk"): "discipline",
    ("awards:service_period_create", "person_pk"): "person",
    ("awards:service_period_delete", "pk"): "service_period",
    ("awards:import_template", "kind"): "import_kind",
    ("awards:initiative_edit", "pk"): "initiative",
    ("awards:initiative_recognise", "pk"): "initiative",
    ("awards:record_revoke", "pk"): "record",
    ("awards:route_list", "pk"): "school",
    ("awards:route_create", "pk"): "office",
    ("awards:route_end", "pk"): "route",
    ("awards:route_supersede", "pk"): "route",
    ("campaigns:detail", "pk"): "campaign",
    ("campaigns:edit", "pk"): "campaign",
    ("campaigns:launch", "pk"): "campaign",
    ("campaigns:launch_confirm", "pk"): "campaign",
    ("campaigns:phase_create", "pk"): "campaign",
    ("campaigns:phase_edit", "pk"): "phase",
    ("campaigns:award_add", "pk"): "campaign",
    ("campaigns:award_remove", "pk"): "campaign_award",
    ("campaigns:deadline_add", "pk"): "campaign",
    ("campaigns:deadline_remove", "pk"): "deadline",
    ("campaigns:deadline_extend", "pk"): "deadline",
    ("campaigns:deadline_complete", "pk"): "plan_deadline",
    ("campaigns:deadline_complete", "unit_pk"): "school",
    ("campaigns:registration_edit", "pk"): "campaign",
    ("campaigns:registration_edit", "unit_pk"): "school",
    ("campaigns:registration_line_check", "pk"): "campaign",
    ("campaigns:registration_line_check", "unit_pk"): "school",
    ("campaigns:registration_detail", "pk"): "registration",
    ("campaigns:registration_transition", "pk"): "registration",
    ("campaigns:registration_overview", "pk"): "campaign",
    ("campaigns:registration_export", "pk"): "campaign",
    ("campaigns:compact_detail", "pk"): "compact",
    ("nominations:dossier_detail", "pk"): "dossier",
    ("nominations:dossier_edit", "pk"): "dossier",
    ("nominations:dossier_transition", "pk"): "dossier",
    ("nominations:nomination_add", "pk"): "dossier",
    ("nominations:nominations_from_registration", "pk"): "campaign_dossier",
    ("nominations:nomination_edit", "pk"): "nomination",
    ("nominations:nomination_transition", "pk"): "nomination",
    ("nominations:nomination_override", "pk"): "nomination",
    ("nominations:attachment_upload", "pk"): "nomination",
    ("nominations:attachment_download", "pk"): "attachment",
    ("nominations:report_detail", "pk"): "nomination",
    ("nominations:report_edit", "pk"): "nomination",
    ("nominations:report_refresh", "pk"): "nomination",
    ("nominations:import_upload", "pk"): "dossier",
    ("nominations:decision_create", "pk"): "decision_dossier",
    ("nominations:decision_detail", "pk"): "decision",
    ("nominations:decision_revoke", "pk"): "decision",
    ("nominations:decision_xlsx", "pk"): "decision",
    ("nominations:decision_json", "pk"): "decision",
    ("nominations:dossier_bulk_review", "pk"): "dossier",
    ("nominations:notice_create", "unit_pk"): "school",
    ("nominations:notice_detail", "pk"): "notice",
    ("nominations:notice_withdraw", "pk"): "notice",
    ("nominations:objection_resolve", "pk"): "objection",
    ("nominations:notice_public", "token"): "notice_token",
    ("nominations:dossier_rollup", "pk"): "dossier",
    ("councils:council_create", "unit_pk"): "school",
    ("councils:council_detail", "pk"): "council",
    ("councils:member_add", "pk"): "council",
    ("councils:council_rules", "pk"): "council",
    ("councils:member_remove", "pk"): "council_member",
    ("councils:meeting_end", "pk"): "meeting2",
    ("councils:meeting_create", "pk"): "council",
    ("councils:meeting_detail", "pk"): "meeting",
    ("councils:meeting_attendance", "pk"): "meeting2",
    ("councils:meeting_agenda", "pk"): "meeting2",
    ("councils:round_create", "pk"): "meeting2",
    ("councils:round_detail", "pk"): "round",
    ("councils:round_transition", "pk"): "round",
    ("councils:round_progress", "pk"): "round",
    ("councils:ballot", "pk"): "round",
    ("councils:receipt", "pk"): "round",
    ("councils:paper_count", "pk"): "round",
    ("councils:paper_confirm", "pk"): "paper_count",
    ("nominations:nomination_path", "pk"): "nomination",
    ("documents:number_allocate", "kind"): "submission_kind",
    ("documents:number_allocate", "object_id"): "unnumbered_dossier",
    ("documents:detail", "pk"): "generated_document",
    ("documents:download", "pk"): "generated_document",
    ("documents:request", "kind"): "submission_kind",
    ("documents:request", "object_id"): "dossier",
    ("documents:sign", "pk"): "generated_document",
    ("documents:scan_upload", "pk"): "generated_document",
    ("documents:scan_download", "pk"): "document_scan",
    ("documents:verify", "code"): "verification_code",
    ("reports:unit_summary_xlsx", "unit_pk"): "school",
    ("reports:statistics_xlsx", "unit_pk"): "school",
    ("accounts:set_active", "pk"): "school",
    ("accounts:set_active", "user_pk"): "role_account",
}


@dataclass
class Targets:
    ids: dict[str, object]
    # The same keys for objects of the sibling school (school-level keys only): rows "<url name>@sibling".
    sibling: dict[str, object] = field(default_factory=dict)
    # POST bodies of the URLs that need one to act (the workflow action, the id to mark read, the role).
    bodies: dict[str, dict[str, str]] = field(default_factory=dict)
    # url name -> names a public page shows by design (the công khai list): not counted as out of scope there.
    public: dict[str, list[str]] = field(default_factory=dict)


def _call(service, **kwargs):
    """Call a service, leaving out `by` where it does not take one yet (services are gaining it)."""
    if "by" not in inspect.signature(service).parameters:
        kwargs.pop("by")
    return service(**kwargs)


def _school_objects(school, admin) -> dict[str, object]:
    """The school-level targets of one school: itself, a teacher, a role, the teacher's periods, an initiative, a record."""
    from awards import services as award_services
    from awards.enums import DisciplineKind, ServicePeriodKind
    from awards.models import AwardRecord, DisciplinePeriod, Initiative, ServicePeriod
    from units.models import Person, UnitRole

    person = Person.objects.filter(unit__parent=school, position="Giáo viên", user=None).order_by("pk").first()
    day = datetime.date(2020, 1, 6)
    discipline = DisciplinePeriod.objects.filter(person=person, start=day).first() or _call(
        award_services.discipline_period_create,
        person=person,
        kind=DisciplineKind.REPRIMAND,
        start=day,
        end=day + datetime.timedelta(days=300),
        by=admin,
    )
    service_period = ServicePeriod.objects.filter(person=person, place="Xã thử").first() or _call(
        award_services.service_period_create,
        person=person,
        kind=ServicePeriodKind.DISADVANTAGED,
        start=datetime.date(2010, 9, 1),
        place="Xã thử",
        by=admin,
    )
    return {
        "school": school.pk,
        "person": person.pk,
        "school_role": UnitRole.objects.filter(unit=school).order_by("pk").first().pk,
        "discipline": discipline.pk,
        "service_period": service_period.pk,
        "initiative": Initiative.objects.filter(unit=school).order_by("pk").first().pk,
        "record": AwardRecord.objects.filter(person__unit__parent=school).order_by("pk").first().pk,
    }


def build_targets() -> Targets:
    """Pick the objects of the reference school, its sibling and its Phòng; add what the demo lacks through the services."""
    from awards.models import AwardType
    from awards.views import IMPORT_KINDS
    from campaigns.models import Campaign, CampaignAward, Compact, Deadline, Phase, Registration
    from notifications.models import Notification
    from notifications.services import notify
    from units.models import EmulationBlock, Unit, UnitRole

    school = Unit.objects.get(kind="school", name=REFERENCE_SCHOOL[0], locality=REFERENCE_SCHOOL[1])
    sibling = Unit.objects.get(kind="school", name=SIBLING_SCHOOL[0], locality=SIBLING_SCHOOL[1])
    assert sibling.parent_id == school.parent_id, "the sibling school is under the same Phòng"
    office = school.parent
    admin = get_user_model().objects.get(username="admin")
    campaign = Campaign.objects.filter(launched_by=office).order_by("pk").first()
    # A deadline a school marks done itself (a registration deadline is met by sending the registration).
    plan_deadline = Deadline.objects.filter(campaign=campaign).exclude(action="register").order_by("pk").first()
    ids = {
        **_school_objects(school, admin),
        "office": office.pk,
        "block": EmulationBlock.objects.filter(owner=office).order_by("pk").first().pk,
        "award_type": AwardType.objects.order_by("pk").first().pk,
        "import_kind": next(iter(IMPORT_KINDS)),
        "campaign": campaign.pk,
        "phase": Phase.objects.filter(campaign__launched_by=school).order_by("pk").first().pk,
        "campaign_award": CampaignAward.objects.order_by("pk").first().pk,
        "deadline": Deadline.objects.filter(campaign=campaign).order_by("pk").first().pk,
        "plan_deadline": plan_deadline.pk,
        "registration": Registration.objects.filter(campaign=campaign, unit=school).get().pk,
        "compact": Compact.objects.filter(block__owner=office).order_by("pk").first().pk,
    }
    try:
        from awards.models import AuthorityRoute

        route = AuthorityRoute.objects.filter(unit__path__startswith=office.path).order_by("pk").first()
        route = route or AuthorityRoute.objects.order_by("pk").first()
        if route is not None:
            ids["route"] = route.pk
    except ImportError:  # routes not in this tree yet
        pass
    # A draft dossier of the reference school with a nomination and an evidence file (nominations).
    from nominations.tests.matrix_targets import nomination_bodies, nomination_targets

    ids.update(nomination_targets(school, admin))
    # An open public notice (công khai) of the reference school with one objection (nominations).
    from nominations.tests.notice_targets import notice_bodies, notice_targets

    notice_ids, public = notice_targets(school, ids["nomination"])
    ids.update(notice_ids)
    # A council of the reference school with an open round and a planned meeting (councils).
    from councils.tests.matrix_targets import council_bodies, council_targets

    ids.update(council_targets(school))
    # The account an administrator may disable: the council member of no persona seated above (accounts).
    from accounts.tests.matrix_targets import account_targets

    ids.update(account_targets(ids))
    # A draft dossier of each school without a tờ trình number, for "Cấp số tờ trình" (documents).
    from documents.tests.matrix_targets import SUBMISSION_KIND, unnumbered_dossier

    ids.update({"submission_kind": SUBMISSION_KIND, "unnumbered_dossier": unnumbered_dossier(school)})
    # A ready tờ trình of the reference school's dossier, a scan of its signed original (documents signing).
    from documents.tests.signing_matrix_targets import signing_bodies, signing_public, signing_targets

    ids.update(signing_targets(ids))
    # A notification of the reference school's secretary: only she may mark it read.
    secretary = get_user_model().objects.get(username="mn-hoasen-bl.thuky")
    notification = (
        Notification.objects.filter(user=secretary).order_by("pk").first()
        or notify(users=[secretary], message="Thông báo thử của ma trận phân quyền.")[0]
    )
    registration = Registration.objects.get(pk=ids["registration"])
    campaign_version = str(campaign.version)
    bodies = {
        "switch_role": {"role": str(UnitRole.objects.get(pk=ids["school_role"]).pk)},
        "notifications:read": {"id": str(notification.pk)},
        "campaigns:launch": {"transition": "close", "version": campaign_version, "comment": ""},
        "campaigns:registration_transition": {
            "transition": "return",
            "version": str(registration.version),
            "comment": "Dòng 1: xem lại.",
        },
    }
    bodies.update(nomination_bodies(ids))
    bodies.update(notice_bodies(ids))
    bodies.update(council_bodies(ids))
    bodies.update(signing_bodies(ids))
    public.update(signing_public(ids))
    sibling_ids = {**_school_objects(sibling, admin), "unnumbered_dossier": unnumbered_dossier(sibling)}
    return Targets(ids=ids, sibling=sibling_ids, bodies=bodies, public=public)


# --- scope: the names a persona may see --------------------------------------------------------


# Units whose names the matrix guards. Teams are left out (every school has a "Tổ văn phòng"), and so are
# the deciding authorities (Bộ, UBND tỉnh / huyện / xã): public bodies named by the law, the routes and
# the issuers of decisions, whatever the reader's scope.
GUARDED_KINDS = {"department", "office", "school"}
# Text a page may show whatever the persona: the example row of an import template.
FIXED_TEXT = {"awards:import_template": ["Trường Mầm non Hoa Sen"]}


@dataclass
class Scope:
    forbidden_people: list[str]
    forbidden_units: list[str]


def scope_of(user, all_people: set[str], all_units: dict[int, tuple[str, str]]) -> Scope:
    """Names of people and units the user must not see anywhere.

    Allowed: people and units the user may READ; the units above them and above its
    role units (its Phòng, the Sở, the province); the launching units of the campaigns
    it sees and their heads (who sign the plans and decisions it reads), the owners and
    members of the emulation blocks it sees, and the nominees (with their units) of the dossiers it
    may read: a level's roll-up dossier carries the schools' people it proposes upward, and its own
    staff (a Phòng's secretary preparing the tờ trình) read them and are told what happens to them.
    """
    from campaigns.selectors import campaigns_visible_to
    from units.models import Person, Unit
    from units.rules import people_in_scope, roles_of, units_in_scope
    from units.selectors import blocks_visible_to

    if user is None:
        return Scope(sorted(all_people), sorted({name for name, kind in all_units.values() if kind in GUARDED_KINDS}))
    if user.is_superuser:
        return Scope([], [])
    people = set(people_in_scope(user).values_list("full_name", flat=True))
    if getattr(user, "person", None) is not None:
        people.add(user.person.full_name)
    unit_ids = set(units_in_scope(user).values_list("pk", flat=True))
    paths = list(units_in_scope(user).values_list("path", flat=True)) + [r.unit.path for r in roles_of(user)]
    above = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    launchers = set(campaigns_visible_to(user).values_list("launched_by_id", flat=True))
    blocks = blocks_visible_to(user)
    block_units = set(blocks.values_list("owner_id", flat=True)) | set(blocks.values_list("members", flat=True))
    from nominations.models import Nomination
    from nominations.selectors import dossiers_visible_to

    nominees = Nomination.objects.filter(dossier__in=dossiers_visible_to(user).values("pk"))
    # A council member is told of, and votes on, what is put before the council of its unit: the nominees and
    # the proposing units of the nominations passed to it (nominations.workflows.notify_council).
    from django.db.models import Q

    from councils.models import AgendaItem

    council_units = [r.unit_id for r in roles_of(user) if r.role == "council_member"]
    before_council = Nomination.objects.filter(dossier__receiving_unit__in=council_units).filter(
        Q(status="passed_to_council") | Q(pk__in=AgendaItem.objects.values("nomination"))
    )
    nominees = nominees | before_council
    people |= set(nominees.filter(person__isnull=False).values_list("person__full_name", flat=True))
    nominee_units = (
        set(nominees.values_list("unit_id", flat=True))
        | set(nominees.values_list("person__unit_id", flat=True))
        | set(before_council.values_list("dossier__unit_id", flat=True))
    )
    allowed_ids = unit_ids | above | launchers | block_units | (nominee_units - {None})
    # The heads of the units above and of the launching units sign what the user reads (plans, decisions).
    heads = Unit.objects.filter(pk__in=above | launchers, head__isnull=False).values("head")
    people |= set(Person.objects.filter(pk__in=heads).values_list("full_name", flat=True))
    allowed_names = {all_units[pk][0] for pk in allowed_ids if pk in all_units}
    forbidden_units = {
        name for pk, (name, kind) in all_units.items() if kind in GUARDED_KINDS and pk not in allowed_ids
    } - allowed_names
    return Scope(sorted(all_people - people), sorted(forbidden_units))


# --- reading a response ------------------------------------------------------------------------


def response_text(response) -> tuple[str, str]:
    """(kind, text) of a response: HTML unescaped, every cell of every sheet of an Excel file, else the bytes."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type or body[:2] == b"PK":
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(body), read_only=True, data_only=False)
        cells = [
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        return "xlsx", "\n".join(cells)
    text = body.decode("utf-8", errors="replace")
    if content_type.startswith("text/html"):
        return "html", html.unescape(text)
    return content_type.split(";")[0] or "file", text


@dataclass
class MatrixResult:
    observed: dict[str, dict[str, int]] = field(default_factory=dict)
    leaks: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    # POST only: the (row, persona) whose request changed the database (each request is rolled back after).
    changed: set[tuple[str, str]] = field(default_factory=set)

    def status_differences(self, expected) -> dict[tuple[str, str], tuple[int | None, int]]:
        return {
            (name, persona): (expected.get(name, {}).get(persona), status)
            for name, row in self.observed.items()
            for persona, status in row.items()
            if expected.get(name, {}).get(persona) != status
        }


def is_post_only(entry) -> bool:
    return "@require_POST" in inspect.getsource(inspect.unwrap(entry.callback))


def is_state_changing(entry) -> bool:
    """A view that only accepts POST, or a form view (it reads the POST body); the POST matrix sends to each."""
    source = inspect.getsource(inspect.unwrap(entry.callback))
    return "@require_POST" in source or "request.POST" in source or "request.method" in source


# Views that take their object from the query string: url name -> (parameter, key of `Targets.ids`). Each is
# asked a second time with the reference school's id (row "<url name>?<parameter>"), and a third with the
# sibling school's ("<url name>?<parameter>@sibling").
QUERY_TARGETS = {"workbench:dashboard": ("unit", "school")}


def concrete_urls(targets: Targets, only=None, method="get"):
    """(row, url name, URL) for every own pattern, with the ids of `TARGETS`; unresolvable kwargs are reported.

    A URL about a school-level object is asked twice: about the reference school's object (row = url
    name) and about the sibling school's (row = url name + "@sibling"). With method "post" only the
    state-changing URLs are listed.
    """
    missing = []
    urls = []
    for _route, name, entry in own_named_patterns():
        if only is not None and name not in only:
            continue
        if method == "post" and not is_state_changing(entry):
            continue
        keys = {}
        for kwarg in entry.pattern.converters:
            key = TARGETS.get((name, kwarg))
            if key is None or key not in targets.ids:
                missing.append(f"{name}:{kwarg}")
                break
            keys[kwarg] = key
        else:
            urls.append((name, name, reverse(name, kwargs={k: targets.ids[key] for k, key in keys.items()})))
            if any(key in targets.sibling for key in keys.values()):
                kwargs = {k: targets.sibling.get(key, targets.ids[key]) for k, key in keys.items()}
                urls.append((name + SIBLING, name, reverse(name, kwargs=kwargs)))
            if name in QUERY_TARGETS:
                param, query_key = QUERY_TARGETS[name]
                url = reverse(name, kwargs={k: targets.ids[key] for k, key in keys.items()})
                urls.append((f"{name}?{param}", name, f"{url}?{param}={targets.ids[query_key]}"))
                if query_key in targets.sibling:
                    urls.append((f"{name}?{param}{SIBLING}", name, f"{url}?{param}={targets.sibling[query_key]}"))
    return urls, missing


def fingerprint_sql() -> str:
    """One query that sums up every table: rows, highest id, versions, set dates and flags.

    Creating or deleting a row, bumping a version, setting a date (read, ended, revoked, launched) or
    flipping a flag changes it; sessions (a role switch, a login) are left out.
    """
    from django.apps import apps
    from django.db import connection, models

    quote = connection.ops.quote_name
    parts = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table == "django_session":
            continue
        # MAX of a UUID key (the councils' ballot box) needs a cast on PostgreSQL.
        pk_term = quote(meta.pk.column)
        if isinstance(meta.pk, models.UUIDField):
            pk_term = f"CAST({pk_term} AS TEXT)"
        terms = ["COUNT(*)", f"MAX({pk_term})"]
        for f in meta.concrete_fields:
            column = quote(f.column)
            if isinstance(f, models.DateField):  # DateTimeField too
                terms += [f"COUNT({column})", f"MAX({column})"]
            elif isinstance(f, models.BooleanField):
                terms.append(f"SUM(CASE WHEN {column} THEN 1 ELSE 0 END)")
            elif f.name == "version":
                terms.append(f"SUM({column})")
        joined = " || '|' || ".join(f"COALESCE(CAST({t} AS TEXT), '')" for t in terms)
        parts.append(f"SELECT '{meta.db_table}', {joined} FROM {quote(meta.db_table)}")
    return " UNION ALL ".join(parts)


def fingerprint(sql: str) -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def run_matrix(personas=PERSONAS, only=None, method="get") -> MatrixResult:
    """Request every own URL as each persona; record statuses, out-of-scope names and 500s.

    With method "post", every state-changing URL gets the body of `Targets.bodies` (empty for the
    others: a form view answers its errors, 200); each request runs in a savepoint rolled back after
    it, and the rows whose request changed the database fingerprint are recorded in `changed`.
    """
    from django.db import transaction

    from units.models import Person, Unit
    from units.services import user_create

    users = get_user_model().objects
    outsider = users.filter(username="nguoi-ngoai-ma-tran").first() or user_create(
        by=None, username="nguoi-ngoai-ma-tran", password=None
    )
    targets = build_targets()
    urls, missing = concrete_urls(targets, only, method)
    result = MatrixResult()
    result.errors += [f"no TARGETS entry for {m}" for m in missing]
    all_people = set(Person.objects.values_list("full_name", flat=True))
    all_units = {pk: (name, kind) for pk, name, kind in Unit.objects.values_list("pk", "name", "kind")}
    sql = fingerprint_sql() if method == "post" else ""
    for persona in personas:
        client = Client(raise_request_exception=False)
        user = None
        if persona != ANONYMOUS:
            user = outsider if persona == OUTSIDER else users.get(username=persona)
            client.force_login(user)
        scope = scope_of(user, all_people, all_units)
        forbidden = scope.forbidden_people + scope.forbidden_units
        pattern = (
            re.compile("|".join(re.escape(n) for n in sorted(forbidden, key=len, reverse=True))) if forbidden else None
        )
        before = fingerprint(sql) if sql else None
        for row, name, url in urls:
            if method == "post":
                with transaction.atomic():
                    response = client.post(url, targets.bodies.get(name, {}))
                    if fingerprint(sql) != before:
                        result.changed.add((row, persona))
                    transaction.set_rollback(True)
            else:
                response = client.get(url)
            result.observed.setdefault(row, {})[persona] = response.status_code
            if response.status_code >= 500:
                result.errors.append(f"{response.status_code} {row} {url} as {persona}")
                continue
            if response.status_code != 200 or pattern is None:
                continue
            kind, text = response_text(response)
            result.kinds[row] = kind
            for fixed in FIXED_TEXT.get(name, []) + targets.public.get(name, []):
                text = text.replace(fixed, "")
            found = sorted(set(pattern.findall(text)))
            if found:
                result.leaks[(row, persona)] = found[:5]
    return result


def describe(differences, leaks) -> str:
    lines = []
    for (name, persona), (want, got) in sorted(differences.items()):
        bug = KNOWN_BUGS.get((name, persona))
        lines.append(f"{name:<40} {persona:<26} expected {want} observed {got}" + (f"  [known: {bug}]" if bug else ""))
    for (name, persona), names in sorted(leaks.items()):
        bug = KNOWN_BUGS.get((name, persona))
        lines.append(
            f"{name:<40} {persona:<26} shows out of scope: {', '.join(names)}" + (f"  [known: {bug}]" if bug else "")
        )
    return "\n".join(lines)


def print_rows(result: MatrixResult) -> None:
    """With PERMISSION_MATRIX_PRINT=1, print the observed rows to review and paste into the tables."""
    if os.environ.get("PERMISSION_MATRIX_PRINT"):
        print(
            "\n"
            + "\n".join(
                f'    "{name}": row({", ".join(str(s) for s in statuses.values())}),'
                for name, statuses in sorted(result.observed.items())
            )
        )
        print("changed:", sorted(result.changed))


# POST-only URLs whose allowed request legitimately changes no table, and why.
ALLOWED_WITHOUT_CHANGE = {
    "switch_role": "the active role lives in the session",
    "documents:request": "the target dossier's tờ trình is already rendered from the same inputs (the "
    "generated_document target): asking again returns that row and renders nothing, by design",
}


def may_change(row: str, persona: str) -> bool:
    """Only a request the table lets through (302 after acting, for a signed-in persona) may change the database."""
    return persona != ANONYMOUS and POST_EXPECTED.get(row, {}).get(persona) == 302


@pytest.mark.slow
@pytest.mark.django_db
def test_permission_matrix_every_url_every_persona(seeded_demo):
    result = run_matrix()
    print_rows(result)
    differences = result.status_differences(EXPECTED)
    report = "\n".join(result.errors) + "\n" + describe(differences, result.leaks)
    assert set(result.observed) == set(EXPECTED), "every URL has a row, every row a URL"
    assert (result.errors, differences, result.leaks) == ([], {}, {}), "\n" + report


@pytest.mark.slow
@pytest.mark.django_db
def test_permission_matrix_fails_on_a_selector_that_widens_reading(seeded_demo, monkeypatch):
    """Inject the bug the matrix exists for: a people selector that forgets the user's scope."""
    import awards.selectors
    import units.selectors
    from units.models import Person

    only = {"units:person_list", "units:person_detail", "awards:person_history", "awards:people_search"}
    personas = ["pgd-bl.thuky", "so.hoidong", "mn-sonca-bl.thuky"]
    honest = run_matrix(personas, only)
    assert (honest.errors, honest.status_differences(EXPECTED), honest.leaks) == ([], {}, {})

    monkeypatch.setattr(units.selectors, "people_visible_to", lambda user: Person.objects.select_related("unit"))
    # The history page reads its person by key and decides with the kernel's can() (awards.selectors): the same bug.
    monkeypatch.setattr(awards.selectors, "can", lambda user, cap, unit: True)
    broken = run_matrix(personas, only)

    assert broken.status_differences(EXPECTED) == {
        ("units:person_detail", "pgd-bl.thuky"): (404, 200),
        ("units:person_detail", "so.hoidong"): (404, 200),
        ("units:person_detail", "mn-sonca-bl.thuky"): (404, 200),
        ("awards:person_history", "pgd-bl.thuky"): (404, 200),
        ("awards:person_history", "so.hoidong"): (404, 200),
        ("awards:person_history", "mn-sonca-bl.thuky"): (404, 200),
        # The sibling school's teacher: only the Phòng secretary and the Sở council member were kept out.
        ("units:person_detail@sibling", "pgd-bl.thuky"): (404, 200),
        ("units:person_detail@sibling", "so.hoidong"): (404, 200),
        ("awards:person_history@sibling", "pgd-bl.thuky"): (404, 200),
        ("awards:person_history@sibling", "so.hoidong"): (404, 200),
    }
    assert {key[0] for key in broken.leaks} >= {"units:person_list", "units:person_detail", "awards:people_search"}


@pytest.mark.slow
@pytest.mark.django_db
def test_permission_matrix_posts_every_state_changing_url_every_persona(seeded_demo):
    """POST-only views get a body that acts; form views an empty body (their errors, 200, change nothing).

    A refused persona (403, 404, 405, anonymous) must leave the database as it was; an allowed POST
    to a POST-only view must have acted (else its body tests nothing), except a role switch (session only).
    """
    result = run_matrix(method="post")
    print_rows(result)
    differences = result.status_differences(POST_EXPECTED)
    unexpected_changes = sorted(key for key in result.changed if not may_change(*key))
    post_only = {name for _route, name, entry in own_named_patterns() if is_post_only(entry)}
    idle = sorted(
        (row, persona)
        for row, statuses in result.observed.items()
        for persona in statuses
        if row.split("@")[0] in post_only - set(ALLOWED_WITHOUT_CHANGE)
        and may_change(row, persona)
        and (row, persona) not in result.changed
    )
    report = "\n".join(result.errors) + "\n" + describe(differences, result.leaks)
    assert set(result.observed) == set(POST_EXPECTED), "every state-changing URL has a row, every row a URL"
    assert (result.errors, differences, result.leaks) == ([], {}, {}), "\n" + report
    assert unexpected_changes == [], "refused, or answered with form errors, yet the database changed"
    assert idle == [], "allowed, yet the POST changed nothing: its body tests nothing"


@pytest.mark.slow
@pytest.mark.django_db
def test_permission_matrix_fails_on_a_service_that_forgets_its_check(seeded_demo, monkeypatch):
    """Inject a workflow whose rule lets anyone close a campaign: the POST part sees the status and the write."""
    import campaigns.rules

    only = {"campaigns:launch"}
    personas = ["so.chuyenvien", "pgd-bl.chuyenvien", "pgd-bl.thuky", "pgd-bl.truongphong"]
    honest = run_matrix(personas, only, method="post")
    assert (honest.errors, honest.status_differences(POST_EXPECTED)) == ([], {})
    assert honest.changed == {("campaigns:launch", "pgd-bl.truongphong")}

    monkeypatch.setattr(campaigns.rules, "can_launch_campaign", lambda user, campaign: True)
    broken = run_matrix(personas, only, method="post")

    assert broken.status_differences(POST_EXPECTED) == {
        ("campaigns:launch", "so.chuyenvien"): (403, 302),
        ("campaigns:launch", "pgd-bl.chuyenvien"): (403, 302),
        ("campaigns:launch", "pgd-bl.thuky"): (403, 302),
    }
    assert sorted(key for key in broken.changed if not may_change(*key)) == [
        ("campaigns:launch", "pgd-bl.chuyenvien"),
        ("campaigns:launch", "pgd-bl.thuky"),
        ("campaigns:launch", "so.chuyenvien"),
    ]


def test_expected_table_names_only_personas_of_the_matrix():
    assert {p for table in (EXPECTED, POST_EXPECTED) for row in table.values() for p in row} <= set(PERSONAS)
    rows = {(name, p) for table in (EXPECTED, POST_EXPECTED) for name, row in table.items() for p in row}
    assert set(KNOWN_BUGS) <= rows
