"""Roll-up (tổng hợp trình cấp trên): routing per award, the links both ways, repeats, refusals, the path page."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.enums import AuthorityKind as K
from awards.models import Initiative
from awards.services.routes import authority_route_create
from conftest import make_user
from core.exceptions import ServiceError
from core.models import TransitionLog
from nominations import checks, rollup, services
from nominations.enums import DossierStatus as D
from nominations.enums import NominationStatus as N
from nominations.models import AchievementReport, Attachment, Dossier, Nomination
from nominations.tests.conftest import YEAR, pdf_bytes
from notifications.models import Notification
from units.enums import Role, UnitKind
from units.services import unit_create


@pytest.fixture
def routes(tree):
    """School A1 → Phòng A → UBND huyện A for the titles of the district (and the unit head's, as the demo
    routes them before 01/07/2025); Bằng khen tỉnh → Sở → UBND tỉnh. Open-ended, so any day routes alike."""
    province = unit_create(by=None, name="UBND tỉnh Thử", kind=UnitKind.PROVINCIAL_AUTHORITY)
    district = unit_create(by=None, name="UBND huyện A", kind=UnitKind.DISTRICT_AUTHORITY, parent=province)
    dept, office = tree["dept"], tree["office_a"]

    def add(unit, kind, decider, via=()):
        authority_route_create(
            by=None, unit=unit, authority_kind=kind, decider=decider, via=via, effective_from=datetime.date(2024, 1, 1)
        )

    add(dept, K.UNIT_HEAD, dept)
    add(dept, K.PROVINCIAL_CHAIR, province, via=[dept])
    for kind in (K.UNIT_HEAD, K.DISTRICT_CHAIR, K.COMMUNE_CHAIR):
        add(office, kind, district, via=[office])
    return {**tree, "province": province, "district": district}


@pytest.fixture
def more(routes, personas):
    """The upper levels' people: the Phòng's head, the UBND huyện's and the Sở's reviewers."""
    return {
        **personas,
        "head_office_a": make_user("phong-truong", routes["office_a"], Role.HEAD),
        "reviewer_district": make_user("huyen-cv", routes["district"], Role.REVIEWER),
        "reviewer_dept": make_user("so-cv", routes["dept"], Role.REVIEWER),
    }


def received(dossier, teacher, secretary, codes=("LDTT", "CSTDCS", "BK_TINH")):
    """The school's nominations of `codes` for the teacher, received and accepted by Phòng A."""
    rows = [
        services.nomination_add(
            by=secretary, dossier=dossier, award_code=code, person=teacher, summary=f"Thành tích {code}."
        )
        for code in codes
    ]
    Dossier.objects.filter(pk=dossier.pk).update(status=D.UNDER_APPRAISAL)
    Nomination.objects.filter(pk__in=[n.pk for n in rows]).update(status=N.ACCEPTED)
    return Dossier.objects.get(pk=dossier.pk), {n.award_type.code: Nomination.objects.get(pk=n.pk) for n in rows}


def by_receiver(dossiers):
    return {d.receiving_unit.name: sorted(d.nominations.values_list("award_type__code", flat=True)) for d in dossiers}


@pytest.fixture
def school_dossier(routes, dossier, teacher, personas, media):
    return received(dossier, teacher, personas["secretary_a1"])


def _evidence(nomination):
    """An evidence row as the school uploaded it (the dossier is past editing here, so written directly)."""
    return Attachment.objects.create(
        nomination=nomination,
        file=SimpleUploadedFile("x.pdf", pdf_bytes()),
        original_name="Quyết định công nhận sáng kiến.pdf",
        content_type="application/pdf",
        size=200,
    )


# --- the service ----------------------------------------------------------------------------------


def test_rollup_splits_by_decider_into_the_levels_own_dossiers(school_dossier, more, tree):
    lower, noms = school_dossier

    made = rollup.rollup_forward(by=more["reviewer_a"], dossier=lower)

    assert by_receiver(made) == {"UBND huyện A": ["CSTDCS", "LDTT"], "Sở GD&ĐT Thử": ["BK_TINH"]}
    assert {(d.unit, d.status, d.round_kind, d.school_year) for d in made} == {
        (tree["office_a"], D.DRAFT, lower.round_kind, YEAR)
    }
    assert set(Nomination.objects.filter(dossier=lower).values_list("status", flat=True)) == {N.FORWARDED}


def test_rollup_links_both_ways_and_copies_without_retyping(school_dossier, more, tree, media):
    lower, noms = school_dossier
    bk = noms["BK_TINH"]
    evidence = _evidence(bk)
    initiative = Initiative.objects.create(unit=tree["school_a1"], school_year=YEAR, title="Dạy đọc qua trò chơi")
    bk.initiatives.add(initiative)
    AchievementReport.objects.create(nomination=bk, results="Lớp chủ nhiệm đạt 100% hoàn thành.")

    rollup.rollup_forward(by=more["reviewer_a"], dossier=lower)

    upper = Nomination.objects.get(source=bk)
    assert (upper.person, upper.award_type, upper.summary, upper.verdict, upper.status) == (
        bk.person,
        bk.award_type,
        "Thành tích BK_TINH.",
        bk.verdict,
        N.PROPOSED,
    )
    assert rollup.chain_down(upper) == [bk]
    assert rollup.chain_up(bk) == [upper]
    assert list(upper.attachments.values_list("file", "original_name")) == [
        (evidence.file.name, "Quyết định công nhận sáng kiến.pdf")
    ]
    assert list(upper.initiatives.all()) == [initiative]
    assert upper.report.results == "Lớp chủ nhiệm đạt 100% hoàn thành."


def test_rollup_forwards_the_lower_nominations_through_the_workflow(school_dossier, more):
    lower, noms = school_dossier

    rollup.rollup_forward(by=more["reviewer_a"], dossier=lower)

    logged = TransitionLog.objects.filter(workflow="nomination", action="forward")
    assert sorted(logged.values_list("object_id", "by__username", "to_state")) == sorted(
        (n.pk, "chi", N.FORWARDED) for n in noms.values()
    )


def test_rollup_twice_creates_no_second_nomination(school_dossier, more):
    lower, _ = school_dossier
    first = rollup.rollup_forward(by=more["reviewer_a"], dossier=lower)
    count = Nomination.objects.count()

    second = rollup.rollup_forward(by=more["reviewer_a"], dossier=lower)

    assert (second, Nomination.objects.count()) == (first, count)


def test_rollup_of_a_second_school_reuses_the_draft(school_dossier, more, routes, person_factory):
    lower, _ = school_dossier
    first = rollup.rollup_forward(by=more["reviewer_a"], dossier=lower)
    other = services.dossier_create(
        by=more["secretary_a2"], unit=routes["school_a2"], round_kind=lower.round_kind, school_year=YEAR
    )
    teacher_a2 = person_factory(routes["school_a2"])
    other, _ = received(other, teacher_a2, more["secretary_a2"], codes=("LDTT",))

    second = rollup.rollup_forward(by=more["reviewer_a"], dossier=other)

    district_draft = next(d for d in first if d.receiving_unit == routes["district"])
    assert second == [district_draft]
    assert by_receiver([district_draft]) == {"UBND huyện A": ["CSTDCS", "LDTT", "LDTT"]}


def test_rollup_of_chosen_nominations_only(school_dossier, more):
    lower, noms = school_dossier

    made = rollup.rollup_forward(by=more["reviewer_a"], dossier=lower, nomination_ids=[noms["BK_TINH"].pk])

    assert by_receiver(made) == {"Sở GD&ĐT Thử": ["BK_TINH"]}
    assert Nomination.objects.get(pk=noms["LDTT"].pk).status == N.ACCEPTED


def test_what_stays_below_counts_as_pending_for_what_rolled_up(school_dossier, more):
    """The titles kept for the lower level's decision are proposed in the same round: the upper dossier's
    checks see them as pending (a TTLĐXS gone up alone is not refused for its members' LĐTT), unless refused."""
    lower, noms = school_dossier
    (upper,) = rollup.rollup_forward(by=more["reviewer_a"], dossier=lower, nomination_ids=[noms["BK_TINH"].pk])
    teacher = ("person", noms["LDTT"].person_id)

    pending = checks.round_pending(list(upper.nominations.select_related("award_type")))

    assert {(teacher, "BK_TINH"), (teacher, "LDTT"), (teacher, "CSTDCS")} <= pending
    Nomination.objects.filter(pk=noms["CSTDCS"].pk).update(status=N.NOT_ACCEPTED)
    pending = checks.round_pending(list(upper.nominations.select_related("award_type")))
    assert (teacher, "LDTT") in pending and (teacher, "CSTDCS") not in pending


def test_rollup_refuses_a_nomination_not_accepted_and_changes_nothing(school_dossier, more):
    lower, noms = school_dossier
    Nomination.objects.filter(pk=noms["CSTDCS"].pk).update(status=N.NOT_ACCEPTED)

    with pytest.raises(ServiceError) as refused:
        rollup.rollup_forward(by=more["reviewer_a"], dossier=lower, nomination_ids=[noms["LDTT"].pk, noms["CSTDCS"].pk])

    assert str(refused.value) == (
        "Đề nghị «Chiến sĩ thi đua cơ sở» của Trần Thị Giáo Viên đang ở trạng thái «Không chấp nhận»: "
        "chỉ trình cấp trên đề nghị đã chấp nhận hoặc Hội đồng thông qua."
    )
    assert (Dossier.objects.count(), Nomination.objects.filter(status=N.FORWARDED).count()) == (1, 0)


def test_rollup_refuses_a_dossier_not_under_appraisal(school_dossier, more):
    lower, _ = school_dossier
    Dossier.objects.filter(pk=lower.pk).update(status=D.SENT)

    with pytest.raises(ServiceError, match="chỉ tổng hợp trình cấp trên khi hồ sơ đang thẩm định"):
        rollup.rollup_forward(by=more["reviewer_a"], dossier=lower)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="true concurrency needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_rolling_up_at_once_make_one_set(routes, dossier, teacher, personas):
    lower, _ = received(dossier, teacher, personas["secretary_a1"])
    actors = [personas["reviewer_a"], make_user("chi-hai", routes["office_a"], Role.REVIEWER)]
    barrier = threading.Barrier(2)
    outcomes = []

    def act(user):
        try:
            barrier.wait()
            outcomes.append(sorted(d.pk for d in rollup.rollup_forward(by=user, dossier=lower)))
        except Exception as exc:  # noqa: BLE001 (the assertion below shows what went wrong)
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(user,)) for user in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes[0] == outcomes[1] and len(outcomes[0]) == 2
    assert (Dossier.objects.count(), Nomination.objects.filter(source__isnull=False).count()) == (3, 3)


@pytest.mark.parametrize("persona", ["secretary_a1", "head_a1", "reviewer_b", "secretary_office_a", "outsider"])
def test_rollup_refused_to_anyone_without_appraise_on_the_receiving_level(school_dossier, more, persona):
    lower, _ = school_dossier

    with pytest.raises(PermissionDenied):
        rollup.rollup_forward(by=more[persona], dossier=lower)

    assert (Dossier.objects.count(), Nomination.objects.filter(status=N.FORWARDED).count()) == (1, 0)


def test_rollup_tells_the_school_once_per_forwarded_nomination(school_dossier, more):
    lower, _ = school_dossier

    rollup.rollup_forward(by=more["reviewer_a"], dossier=lower)

    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["alice"] * 3 + ["bao"] * 3


def test_the_deciding_level_keeps_what_it_decides(school_dossier, more, routes):
    lower, _ = school_dossier
    made = rollup.rollup_forward(by=more["reviewer_a"], dossier=lower)
    district_draft = next(d for d in made if d.receiving_unit == routes["district"])
    Dossier.objects.filter(pk=district_draft.pk).update(status=D.UNDER_APPRAISAL)
    district_draft.nominations.update(status=N.ACCEPTED)
    district_draft.refresh_from_db()

    plan = rollup.rollup_plan(district_draft)
    with pytest.raises(ServiceError, match="Không có đề nghị nào cần trình cấp trên"):
        rollup.rollup_forward(by=more["reviewer_district"], dossier=district_draft)

    assert sorted((line.nomination.award_type.code, line.destination) for line in plan) == [
        ("CSTDCS", rollup.SELF),
        ("LDTT", rollup.SELF),
    ]


def test_the_so_carries_the_bang_khen_on_to_the_province_and_the_school_hears_of_it(school_dossier, more, routes):
    lower, noms = school_dossier
    made = rollup.rollup_forward(by=more["reviewer_a"], dossier=lower)
    office_bk = next(d for d in made if d.receiving_unit == routes["dept"])
    Dossier.objects.filter(pk=office_bk.pk).update(status=D.UNDER_APPRAISAL)
    office_bk.nominations.update(status=N.ACCEPTED)
    Notification.objects.all().delete()

    top = rollup.rollup_forward(by=more["reviewer_dept"], dossier=Dossier.objects.get(pk=office_bk.pk))

    assert [(d.unit, d.receiving_unit) for d in top] == [(routes["dept"], routes["province"])]
    top_nomination = top[0].nominations.get()
    assert rollup.chain_down(top_nomination) == [office_bk.nominations.get(), noms["BK_TINH"]]
    school_notices = Notification.objects.filter(user__username__in=["alice", "bao"])
    assert sorted(school_notices.values_list("user__username", "message")) == [
        (
            name,
            "Sở GD&ĐT Thử đã tổng hợp trình cấp trên 1 đề nghị của đơn vị: «Bằng khen của Chủ tịch Ủy ban nhân "
            "dân tỉnh» của Trần Thị Giáo Viên → UBND tỉnh Thử.",
        )
        for name in ("alice", "bao")
    ]
    assert Notification.objects.filter(user=more["head_office_a"]).count() == 1  # the Phòng: the workflow's notice


def test_deleting_the_copy_keeps_the_schools_file(school_dossier, more, media, django_capture_on_commit_callbacks):
    lower, noms = school_dossier
    evidence = _evidence(noms["BK_TINH"])
    made = rollup.rollup_forward(by=more["reviewer_a"], dossier=lower)
    copy = Attachment.objects.get(nomination__dossier__in=made)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.attachment_delete(by=more["head_office_a"], attachment=copy)

    assert (len(callbacks), evidence.file.storage.exists(evidence.file.name)) == (0, True)
    assert list(Attachment.objects.values_list("pk", flat=True)) == [evidence.pk]


# --- the pages ------------------------------------------------------------------------------------


def _page(client, user, name, pk, data=None):
    client.force_login(user)
    url = reverse(f"nominations:{name}", args=[pk])
    return client.post(url, data) if data is not None else client.get(url)


def test_dossier_page_offers_the_rollup_only_to_the_receiving_level(client, school_dossier, more):
    lower, _ = school_dossier

    shown = {
        p: 'id="rollup-button"' in _page(client, more[p], "dossier_detail", lower.pk).content.decode()
        for p in (
            "reviewer_a",
            "secretary_a1",
            "head_a1",
            "reviewer_dept",
        )
    }

    assert shown == {"reviewer_a": True, "secretary_a1": False, "head_a1": False, "reviewer_dept": False}


def test_rollup_page_shows_where_each_nomination_goes_before_confirming(client, school_dossier, more):
    lower, noms = school_dossier

    page = _page(client, more["reviewer_a"], "dossier_rollup", lower.pk).content.decode()

    assert "Trình UBND huyện A" in page and "Trình Sở GD&amp;ĐT Thử" in page
    assert "Phòng GD&amp;ĐT A trình qua Sở GD&amp;ĐT Thử đến UBND tỉnh Thử quyết định" in page
    assert Nomination.objects.filter(status=N.FORWARDED).count() == 0  # nothing happens on GET


@pytest.mark.parametrize(
    ("persona", "status"),
    [("secretary_a1", 403), ("head_a1", 403), ("secretary_office_a", 404), ("reviewer_b", 404), ("outsider", 404)],
)
def test_rollup_page_refused_outside_the_receiving_level(client, school_dossier, more, persona, status):
    lower, noms = school_dossier

    got = (
        _page(client, more[persona], "dossier_rollup", lower.pk).status_code,
        _page(client, more[persona], "dossier_rollup", lower.pk, {"de_nghi": [noms["LDTT"].pk]}).status_code,
    )

    assert got == (status, status)
    assert Nomination.objects.filter(status=N.FORWARDED).count() == 0


def test_rollup_confirm_twice_makes_one_set_of_dossiers(client, school_dossier, more):
    lower, noms = school_dossier
    ticked = {"de_nghi": [n.pk for n in noms.values()]}

    first = _page(client, more["reviewer_a"], "dossier_rollup", lower.pk, ticked)
    second = _page(client, more["reviewer_a"], "dossier_rollup", lower.pk, ticked)

    assert (first.status_code, first.url, second.status_code) == (302, lower.get_absolute_url(), 302)
    assert (Dossier.objects.filter(unit=lower.receiving_unit).count(), Nomination.objects.count()) == (2, 6)


@pytest.fixture
def returned_above(school_dossier, more, routes):
    """Rolled up; the UBND huyện's reviewer returned the CSTĐCS at its level with a comment."""
    lower, noms = school_dossier
    made = rollup.rollup_forward(by=more["reviewer_a"], dossier=lower)
    district_draft = next(d for d in made if d.receiving_unit == routes["district"])
    Dossier.objects.filter(pk=district_draft.pk).update(status=D.UNDER_APPRAISAL)
    upper = Nomination.objects.get(source=noms["CSTDCS"])
    services.nomination_transition(
        by=more["reviewer_district"],
        nomination=upper,
        action="return",
        version=None,
        comment="Bổ sung bản sao quyết định công nhận sáng kiến",
    )
    return noms["CSTDCS"], upper


def test_path_page_school_sees_higher_status_but_not_its_comments(client, returned_above, more):
    school_nomination, upper = returned_above

    page = _page(client, more["secretary_a1"], "nomination_path", school_nomination.pk).content.decode()

    assert page.count('class="card mb-2"') == 2
    assert "Trả lại để bổ sung" in page and "Ý kiến xử lý nội bộ của cấp này không hiển thị" in page
    assert "Bổ sung bản sao quyết định" not in page and "huyen-cv" not in page
    assert "chi – Trình cấp trên" in page  # the school's own level: who forwarded it


def test_path_page_phong_sees_both_levels_with_comments(client, returned_above, more):
    school_nomination, upper = returned_above

    page = _page(client, more["reviewer_a"], "nomination_path", upper.pk).content.decode()

    assert page.count('class="card mb-2"') == 2
    assert "huyen-cv – Trả lại để bổ sung → Trả lại để bổ sung: Bổ sung bản sao quyết định công nhận sáng kiến" in page


def test_path_page_district_sees_only_its_level(client, returned_above, more):
    school_nomination, upper = returned_above

    response = _page(client, more["reviewer_district"], "nomination_path", school_nomination.pk)
    page = response.content.decode()

    assert (response.status_code, page.count('class="card mb-2"')) == (200, 1)
    assert school_nomination.dossier.get_absolute_url() not in page
    assert "Bổ sung bản sao quyết định công nhận sáng kiến" in page


def test_path_page_reads_people_and_units_by_key_without_joining_them(client, returned_above, more):
    """Issue 14: no statement of the path page joins the nominations with units_person or units_unit (under
    stale statistics that join read every person once per row); the names still show."""
    school_nomination, upper = returned_above

    with CaptureQueriesContext(connection) as queries:
        page = _page(client, more["reviewer_a"], "nomination_path", upper.pk).content.decode()

    nominations = [q["sql"] for q in queries.captured_queries if 'FROM "nominations_nomination"' in q["sql"]]
    chain = [sql for sql in nominations if '"nominations_nomination"."id" IN (' in sql]
    assert len(chain) == 1
    assert [sql for sql in nominations if '"units_person"' in sql] == []
    assert '"units_unit"' not in chain[0]
    assert school_nomination.person.full_name in page and school_nomination.dossier.unit.name in page
    assert upper.dossier.receiving_unit.name in page


@pytest.mark.parametrize("persona", ["reviewer_b", "secretary_a2", "outsider"])
def test_path_page_not_found_outside_the_chain(client, returned_above, more, persona):
    school_nomination, upper = returned_above

    got = [_page(client, more[persona], "nomination_path", n.pk).status_code for n in (school_nomination, upper)]

    assert got == [404, 404]


def test_the_phong_head_sends_the_rollup_and_the_ubnd_huyen_is_told(school_dossier, more, routes):
    lower, noms = school_dossier
    made = rollup.rollup_forward(by=more["reviewer_a"], dossier=lower, nomination_ids=[noms["LDTT"].pk])
    upper = made[0]
    services.dossier_update(
        by=more["head_office_a"],
        dossier=upper,
        version=None,
        submission_number="7/TTr-PGDĐT",
        submission_date=datetime.date(2026, 6, 1),
        submission_signer="Trưởng phòng",
    )
    Notification.objects.all().delete()

    sent = services.dossier_transition(by=more["head_office_a"], dossier=upper, action="send", version=None)

    assert (sent.status, sent.receiving_unit) == (D.SENT, routes["district"])
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["huyen-cv"]


def test_rollup_page_queries_do_not_grow_with_the_nominations(client, school_dossier, more, routes, person_factory):
    three, _ = school_dossier
    one = services.dossier_create(
        by=more["secretary_a2"], unit=routes["school_a2"], round_kind=three.round_kind, school_year=YEAR
    )
    one, _ = received(one, person_factory(routes["school_a2"]), more["secretary_a2"], codes=("LDTT",))
    client.force_login(more["reviewer_a"])
    counts = []
    for dossier in (one, three):
        client.get(reverse("nominations:dossier_rollup", args=[dossier.pk]))  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("nominations:dossier_rollup", args=[dossier.pk]))
        counts.append((response.status_code, len(queries)))

    assert counts[0] == counts[1]
