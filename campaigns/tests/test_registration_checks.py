"""Issue 8: the registration form checked as it is typed (fit, verdicts, explanations, quotas, usability)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.fit import award_fit_problem
from campaigns import selectors, services
from campaigns.enums import CampaignKind, RegistrationStatus
from campaigns.models import Registration, RegistrationCollectiveLine, RegistrationLine
from campaigns.services import LineInput
from campaigns.services.registration_checks import CollectiveDraft
from core.exceptions import ServiceError
from core.text import vi_name_key
from units.enums import Gender
from units.models import Person
from units.services import person_create

from .conftest import award

D = datetime.date
EXPLANATION = "Đơn vị đề nghị giữ: có thành tích đột xuất trong năm, sẽ bổ sung hồ sơ."


GIVEN = ["An", "Bảo", "Cường", "Dũng", "Giang", "Hải", "Khoa", "Long", "Minh", "Nghĩa", "Phong", "Quang", "Sơn", "Tâm"]
MIDDLE = ["Văn", "Thị", "Minh", "Hữu"]


@pytest.fixture
def person_factory(tree):
    """People with names as the person form accepts them (letters only), each one different."""
    counter = {"n": 0}

    def make(unit=None, **fields):
        n = counter["n"] = counter["n"] + 1
        defaults = {
            "full_name": f"Trương {MIDDLE[n // len(GIVEN) % len(MIDDLE)]} {GIVEN[n % len(GIVEN)]}",
            "gender": Gender.FEMALE,
            "date_of_birth": D(1985, 1, 1) + datetime.timedelta(days=n),
            "service_start": D(2008, 9, 1),
            "position": "Giáo viên",
        }
        defaults.update(fields)
        return person_create(by=None, unit=unit or tree["school_a1"], **defaults)

    return make


def edit_url(campaign, unit):
    return reverse("campaigns:registration_edit", args=[campaign.pk, unit.pk])


def check_url(campaign, unit):
    return reverse("campaigns:registration_line_check", args=[campaign.pk, unit.pk])


def save(campaign, unit, by, lines, **kwargs):
    return services.registration_save(campaign=campaign, unit=unit, by=by, lines=lines, **kwargs)


# --- fit --------------------------------------------------------------------------------------


def test_fit_refuses_national_titles_for_a_kindergarten_line(awards, tree):
    school = tree["school_a2"]  # Trường Mầm non A2
    problems = {
        code: award_fit_problem(award(code), collective=False, unit_kind=school.kind, school_level=school.school_level)
        for code in ("LDTT", "CSTDCS", "BK_TINH", "CSTD_TQ", "HCLD3", "TTLDTT")
    }
    assert [code for code, problem in problems.items() if problem is None] == ["LDTT", "CSTDCS", "BK_TINH"]
    assert "vượt thẩm quyền xét của cấp đơn vị đăng ký" in problems["CSTD_TQ"]
    assert problems["TTLDTT"] == "«Tập thể lao động tiên tiến» không dành cho cá nhân."


def test_form_offers_only_fitting_awards(client, personas, office_campaign, tree, person_factory, awards):
    person = person_factory(tree["school_a1"])
    client.force_login(personas["secretary_a1"])
    form = client.get(edit_url(office_campaign, tree["school_a1"])).context["form"]
    offered = {label for _value, label in form.fields[f"title_{person.pk}"].choices}
    assert "Lao động tiên tiến" in offered and "Chiến sĩ thi đua cơ sở" in offered
    assert "Chiến sĩ thi đua toàn quốc" not in offered
    commendations = {label for _value, label in form.fields[f"commendation_{person.pk}"].choices}
    assert "Huân chương Lao động hạng Ba" not in commendations
    assert "Bằng khen của Thủ tướng Chính phủ" not in commendations


def test_form_offers_only_what_the_campaign_puts_on_offer(client, personas, office_campaign, tree, person_factory):
    services.campaign_award_set(by=None, campaign=office_campaign, award_type=award("GK"))
    person = person_factory(tree["school_a1"])
    client.force_login(personas["secretary_a1"])
    form = client.get(edit_url(office_campaign, tree["school_a1"])).context["form"]
    assert [label for _v, label in form.fields[f"commendation_{person.pk}"].choices] == ["—", "Giấy khen"]
    assert [label for _v, label in form.fields[f"title_{person.pk}"].choices] == ["—"]


def test_service_refuses_a_non_fitting_award_and_saves_nothing(office_campaign, tree, personas, person_factory):
    person = person_factory(tree["school_a1"])
    with pytest.raises(ServiceError) as exc:
        save(
            office_campaign,
            tree["school_a1"],
            personas["secretary_a1"],
            [LineInput(person=person, commendation=award("HCLD3"))],
        )
    assert str(exc.value).startswith("Không lưu được: «Huân chương Lao động hạng Ba» do Chủ tịch nước quyết định")
    assert not Registration.objects.exists()


def test_service_refuses_an_award_not_on_offer(office_campaign, tree, personas, person_factory):
    services.campaign_award_set(by=None, campaign=office_campaign, award_type=award("GK"))
    person = person_factory(tree["school_a1"])
    with pytest.raises(ServiceError, match="không có trong các hình thức phong trào này đưa ra"):
        save(office_campaign, tree["school_a1"], personas["secretary_a1"], [LineInput(person, award("LDTT"))])
    assert not Registration.objects.exists()


# --- the line's verdict, live ---------------------------------------------------------------


def post_line(client, campaign, unit, person, **fields):
    data = {"line": str(person.pk), **{f"{key}_{person.pk}": value for key, value in fields.items()}}
    return client.post(check_url(campaign, unit), data, HTTP_HX_REQUEST="true")


def test_verdict_fragment_marks_an_impossible_title_with_its_reason(
    client, personas, office_campaign, tree, person_factory
):
    person = person_factory(tree["school_a1"])
    client.force_login(personas["secretary_a1"])
    response = post_line(client, office_campaign, tree["school_a1"], person, title=award("CSTD_TINH").pk)
    assert response.status_code == 200
    line = response.context["line"]
    assert line.blocking
    assert any(p.startswith("Không đủ điều kiện «Chiến sĩ thi đua cấp tỉnh» năm học 2024-2025") for p in line.problems)
    html = response.content.decode()
    assert f'id="check-{person.pk}"' in html
    assert "Cần sửa dòng này hoặc ghi giải trình trước khi gửi." in html
    assert 'id="quota-panel" class="card mb-3" hx-swap-oob="true"' in html
    assert "<html" not in html  # a fragment, not a page


def test_verdict_fragment_marks_a_person_born_in_the_future_and_accepts_an_explanation(
    client, personas, office_campaign, tree, person_factory
):
    person = person_factory(tree["school_a1"])
    Person.objects.filter(pk=person.pk).update(date_of_birth=D(2030, 1, 1))
    client.force_login(personas["secretary_a1"])
    bare = post_line(client, office_campaign, tree["school_a1"], person, title=award("LDTT").pk)
    assert "Ngày sinh 01/01/2030 sau ngày hôm nay: cần sửa hồ sơ cá nhân." in bare.context["line"].problems
    explained = post_line(
        client, office_campaign, tree["school_a1"], person, title=award("LDTT").pk, explanation=EXPLANATION
    )
    assert (explained.context["line"].breaks_rule, explained.context["line"].blocking) == (True, False)
    assert "Đã có giải trình." in explained.content.decode()


def test_verdict_fragment_cstdcs_without_initiative_is_marked(client, personas, office_campaign, tree, person_factory):
    person = person_factory(tree["school_a1"])
    client.force_login(personas["secretary_a1"])
    response = post_line(client, office_campaign, tree["school_a1"], person, title=award("CSTDCS").pk)
    assert "Đăng ký «Chiến sĩ thi đua cơ sở» nhưng chưa ghi tên sáng kiến." in response.context["line"].problems


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("secretary_a1", 200),
        ("head_a1", 200),
        ("council_a1", 403),
        ("reviewer_a", 403),
        ("secretary_a2", 404),
        ("reviewer_b", 404),
        ("outsider", 404),
        ("secretary_office_a", 404),
    ],
)
def test_verdict_fragment_as_every_persona(client, personas, office_campaign, tree, person_factory, persona, status):
    person = person_factory(tree["school_a1"])
    client.force_login(personas[persona])
    response = post_line(client, office_campaign, tree["school_a1"], person, title=award("LDTT").pk)
    assert response.status_code == status
    if status == 404:
        assert person.full_name not in response.content.decode()


def test_verdict_fragment_refuses_a_person_of_another_unit(client, personas, office_campaign, tree, person_factory):
    stranger = person_factory(tree["school_a2"])
    client.force_login(personas["secretary_a1"])
    response = post_line(client, office_campaign, tree["school_a1"], stranger, title=award("LDTT").pk)
    assert response.status_code == 404
    assert stranger.full_name not in response.content.decode()


# --- sending ------------------------------------------------------------------------------------


def test_send_refused_while_a_rule_breaking_line_has_no_explanation_then_allowed(
    office_campaign, tree, personas, person_factory
):
    person = person_factory(tree["school_a1"])
    Person.objects.filter(pk=person.pk).update(date_of_birth=D(2030, 1, 1))
    person.refresh_from_db()
    registration = save(
        office_campaign, tree["school_a1"], personas["secretary_a1"], [LineInput(person, award("LDTT"))]
    )
    assert RegistrationLine.objects.get().problems == "Ngày sinh 01/01/2030 sau ngày hôm nay: cần sửa hồ sơ cá nhân."
    with pytest.raises(ServiceError) as exc:
        services.registration_transition(
            registration=registration, action="send_to_head", by=personas["secretary_a1"], today=D(2024, 10, 1)
        )
    assert str(exc.value) == (
        f"Còn 1 dòng vi phạm điều kiện chưa sửa và chưa có giải trình ({person.full_name}). "
        "Hãy sửa các dòng được đánh dấu hoặc ghi giải trình cho từng dòng rồi gửi lại."
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DRAFT
    registration = save(
        office_campaign,
        tree["school_a1"],
        personas["secretary_a1"],
        [LineInput(person, award("LDTT"), explanation=EXPLANATION)],
        expected_version=registration.version,
    )
    sent = services.registration_transition(
        registration=registration, action="send_to_head", by=personas["secretary_a1"], today=D(2024, 10, 1)
    )
    assert sent.status == RegistrationStatus.AWAITING_HEAD
    assert RegistrationLine.objects.get().explanation == EXPLANATION


def test_head_cannot_submit_an_unexplained_breaking_line(office_campaign, tree, personas, person_factory):
    person = person_factory(tree["school_a1"])
    Person.objects.filter(pk=person.pk).update(date_of_birth=D(2030, 1, 1))
    person.refresh_from_db()
    registration = save(
        office_campaign, tree["school_a1"], personas["secretary_a1"], [LineInput(person, award("LDTT"))]
    )
    with pytest.raises(ServiceError, match="Còn 1 dòng vi phạm điều kiện"):
        services.registration_transition(
            registration=registration, action="submit", by=personas["head_a1"], today=D(2024, 10, 1)
        )
    registration.refresh_from_db()
    assert (registration.status, registration.submitted_at) == (RegistrationStatus.DRAFT, None)


# --- quota panel ------------------------------------------------------------------------------------


def test_quota_panel_says_the_base_is_not_decided_instead_of_zero_of_zero(
    client, personas, office_campaign, tree, person_factory
):
    person = person_factory(tree["school_a1"])
    client.force_login(personas["secretary_a1"])
    response = post_line(
        client, office_campaign, tree["school_a1"], person, title=award("CSTDCS").pk, initiative="Sáng kiến A"
    )
    quotas = {q.code: q for q in response.context["check"].quotas}
    assert quotas["CSTDCS"].registered == 1
    assert quotas["CSTDCS"].decided == 0
    html = response.content.decode()
    assert "hạn mức: chưa xác định (chưa có quyết định danh hiệu làm căn cứ của năm học này" in html
    assert "· tối đa 0" not in html
    # One CSTĐCS over one registered LĐTT is more than the 15 % estimate allows: the line is marked.
    assert "(dự kiến theo số đăng ký)" in " ".join(response.context["line"].problems)


# --- usability ------------------------------------------------------------------------------------


def test_lines_grouped_by_team_in_vietnamese_order(client, personas, office_campaign, tree, person_factory):
    person_factory(tree["school_a1"], full_name="Trần Văn Huỳnh")
    person_factory(tree["school_a1"], full_name="Nguyễn Thị Hà")
    person_factory(tree["team_a1"], full_name="Lê Thị Ánh")
    client.force_login(personas["secretary_a1"])
    form = client.get(edit_url(office_campaign, tree["school_a1"])).context["form"]
    groups = [(group.label, [p.full_name for p in group.people]) for group, _rows in form.grouped_rows()]
    assert groups == [
        ("Trường Tiểu học A1 (không thuộc tổ)", ["Nguyễn Thị Hà", "Trần Văn Huỳnh"]),
        ("Tổ khối 1", ["Lê Thị Ánh"]),
    ]
    assert [row["index"] for row in form.rows()] == [1, 2, 3]


def test_vietnamese_name_key_puts_ha_before_huynh_and_d_before_dd():
    names = ["Trần Văn Huỳnh", "Đỗ Thị Hà", "Nguyễn Thị Hà", "Lê Văn Dũng"]
    assert sorted(names, key=vi_name_key) == ["Lê Văn Dũng", "Đỗ Thị Hà", "Nguyễn Thị Hà", "Trần Văn Huỳnh"]


def test_everyone_ldtt_fills_empty_titles_without_saving(client, personas, office_campaign, tree, person_factory):
    first, second = person_factory(tree["school_a1"]), person_factory(tree["team_a1"])
    client.force_login(personas["secretary_a1"])
    response = client.post(
        edit_url(office_campaign, tree["school_a1"]),
        {"prefill": "all_ldtt", f"title_{second.pk}": award("CSTDCS").pk, f"initiative_{second.pk}": "SK"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form[f"title_{first.pk}"].value() == str(award("LDTT").pk)
    assert form[f"title_{second.pk}"].value() == str(award("CSTDCS").pk)
    assert not Registration.objects.exists()
    assert "Đã chọn Lao động tiên tiến cho 1 người chưa có danh hiệu." in response.content.decode()


def test_copy_last_year_fills_from_the_submitted_registration_of_the_year_before(
    client, personas, office_campaign, tree, person_factory
):
    person, newcomer = person_factory(tree["school_a1"]), person_factory(tree["school_a1"])
    previous = services.campaign_create(
        launched_by=tree["office_a"],
        name="Công tác thi đua năm học 2023-2024",
        kind=CampaignKind.REGULAR,
        school_year=2023,
        by=personas["secretary_office_a"],
    )
    previous = services.campaign_launch(campaign=previous, by=personas["admin_dept"])
    old = save(
        previous,
        tree["school_a1"],
        personas["secretary_a1"],
        [LineInput(person, award("LDTT", D(2023, 9, 1)), award("GK", D(2023, 9, 1)), initiative_title="Sáng kiến cũ")],
    )
    Registration.objects.filter(pk=old.pk).update(status=RegistrationStatus.SUBMITTED)
    client.force_login(personas["secretary_a1"])
    page = client.get(edit_url(office_campaign, tree["school_a1"]))
    assert "Sao chép năm trước" in page.content.decode()
    response = client.post(edit_url(office_campaign, tree["school_a1"]), {"prefill": "copy_last_year"})
    form = response.context["form"]
    assert (form[f"title_{person.pk}"].value(), form[f"commendation_{person.pk}"].value()) == (
        str(award("LDTT").pk),
        str(award("GK").pk),
    )
    assert form[f"initiative_{person.pk}"].value() == "Sáng kiến cũ"
    assert form[f"title_{newcomer.pk}"].value() in (None, "")
    assert not office_campaign.registrations.exists()


def test_returned_reason_and_line_comments_are_shown(client, personas, office_campaign, tree, person_factory):
    person = person_factory(tree["school_a1"])
    registration = save(
        office_campaign, tree["school_a1"], personas["secretary_a1"], [LineInput(person, award("LDTT"))]
    )
    registration = services.registration_transition(
        registration=registration, action="submit", by=personas["head_a1"], today=D(2024, 10, 1)
    )
    services.registration_transition(
        registration=registration,
        action="return",
        by=personas["reviewer_a"],
        comment="Rà soát lại chỉ tiêu. Dòng 1: kiểm tra lại ngày sinh",
        today=D(2024, 10, 2),
    )
    client.force_login(personas["secretary_a1"])
    html = client.get(edit_url(office_campaign, tree["school_a1"])).content.decode()
    assert "Rà soát lại chỉ tiêu." in html
    assert "Ý kiến cấp trên: kiểm tra lại ngày sinh" in html


# --- the overview above ---------------------------------------------------------------------------


def test_overview_flags_breaking_lines_and_does_not_count_a_national_title(
    client, personas, office_campaign, tree, person_factory
):
    person = person_factory(tree["school_a1"])
    Person.objects.filter(pk=person.pk).update(date_of_birth=D(2030, 1, 1))
    person.refresh_from_db()
    registration = save(
        office_campaign,
        tree["school_a1"],
        personas["secretary_a1"],
        [LineInput(person, award("LDTT"))],
    )
    # A line saved before the form checked fit: a school teacher registered for a national title.
    other = person_factory(tree["school_a1"])
    RegistrationLine.objects.create(registration=registration, order=2, person=other, title=award("CSTD_TQ"))
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.SUBMITTED)
    client.force_login(personas["reviewer_a"])
    response = client.get(reverse("campaigns:registration_overview", args=[office_campaign.pk]))
    row = next(u for u in response.context["page"] if u.pk == tree["school_a1"].pk)
    assert (row.flagged_lines, row.unexplained_lines) == (1, 1)
    assert [(t.name, t.count) for t in response.context["totals"]["titles"]] == [("Lao động tiên tiến", 1)]
    assert [(t.name, t.count) for t in response.context["not_counted"]] == [("Chiến sĩ thi đua toàn quốc", 1)]
    assert "1 chưa giải trình" in response.content.decode()


def test_overview_totals_count_a_line_in_its_title_and_its_commendation_in_one_query(
    personas, office_campaign, tree, person_factory, django_assert_num_queries
):
    """Title and commendation totals come from the same grouped read of the lines: one query (a UNION ALL of one
    grouped pass per table: person lines, registrations, team lines), whatever the number of lines or awards."""
    people = [person_factory(tree["school_a1"]) for _ in range(3)]
    lines = [
        LineInput(people[0], award("LDTT"), award("GK")),
        LineInput(people[1], award("LDTT")),
        LineInput(people[2], None, award("GK")),
    ]
    registration = save(office_campaign, tree["school_a1"], personas["secretary_a1"], lines)
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.SUBMITTED)
    reviewer = personas["reviewer_a"]
    selectors.registration_totals(reviewer, office_campaign)  # the roles' cache

    with django_assert_num_queries(1):
        totals = selectors.registration_totals(reviewer, office_campaign)

    assert [(t.name, t.count) for t in totals["titles"]] == [("Lao động tiên tiến", 2)]
    assert [(t.name, t.count) for t in totals["commendations"]] == [("Giấy khen", 2)]


def test_overview_flags_of_every_shown_row_in_one_query(
    personas, office_campaign, tree, person_factory, django_assert_num_queries
):
    """Person, team and own collective lines that broke a rule, counted for the rows shown in one query whatever
    the rows (a UNION by their registration ids); a row without a registration has none."""
    a1 = Registration.objects.create(campaign=office_campaign, unit=tree["school_a1"], collective_problems="x")
    a2 = Registration.objects.create(
        campaign=office_campaign, unit=tree["school_a2"], collective_problems="x", collective_explanation="vì"
    )
    for order, explanation in enumerate(["", "đã giải trình", ""]):
        person = person_factory(tree["school_a1"])
        RegistrationLine.objects.create(
            registration=a1, order=order, person=person, problems="x", explanation=explanation
        )
    RegistrationLine.objects.create(registration=a2, order=1, person=person_factory(tree["school_a2"]))  # no problem
    RegistrationCollectiveLine.objects.create(registration=a2, order=1, team=tree["team_a1"], problems="x")
    rows = list(selectors.registration_overview(personas["reviewer_a"], office_campaign))

    with django_assert_num_queries(1):
        selectors.registration_overview_flags(rows)

    flags = {row.pk: (row.flagged_lines, row.unexplained_lines) for row in rows}
    assert flags == {tree["school_a1"].pk: (4, 3), tree["school_a2"].pk: (2, 1)}


def test_recheck_command_flags_lines_saved_before_a_rule(client, personas, office_campaign, tree, person_factory):
    """The line saved without the fit check carries no stored problem until the registrations are checked again."""
    registration = save(
        office_campaign,
        tree["school_a1"],
        personas["secretary_a1"],
        [LineInput(person_factory(tree["school_a1"]), award("LDTT"))],
    )
    other = person_factory(tree["school_a1"])
    RegistrationLine.objects.create(registration=registration, order=2, person=other, title=award("CSTD_TQ"))
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.SUBMITTED)
    out = io.StringIO()
    call_command("registrations_recheck", campaign=office_campaign.pk, stdout=out)
    assert "1 dòng thay đổi" in out.getvalue()
    stored = RegistrationLine.objects.get(registration=registration, person=other).problems
    assert "Chiến sĩ thi đua toàn quốc" in stored
    client.force_login(personas["reviewer_a"])
    response = client.get(reverse("campaigns:registration_overview", args=[office_campaign.pk]))
    row = next(u for u in response.context["page"] if u.pk == tree["school_a1"].pk)
    assert (row.flagged_lines, row.unexplained_lines) == (1, 1)
    # Run again: nothing left to change.
    call_command("registrations_recheck", campaign=office_campaign.pk, stdout=out)
    assert out.getvalue().endswith("0 dòng thay đổi.\n")


# --- selectors take the user ------------------------------------------------------------------


def test_registration_people_are_those_the_user_reads(tree, personas, person_factory):
    own, team_member = person_factory(tree["school_a1"]), person_factory(tree["team_a1"])
    assert set(selectors.registration_people(personas["secretary_a1"], tree["school_a1"])) == {own, team_member}
    assert list(selectors.registration_people(personas["secretary_a2"], tree["school_a1"])) == []
    assert list(selectors.registration_people(personas["secretary_office_a"], tree["school_a1"])) == []


def test_registered_targets_scoped_to_the_user(office_campaign, tree, personas, person_factory):
    person = person_factory(tree["school_a1"])
    registration = save(
        office_campaign, tree["school_a1"], personas["secretary_a1"], [LineInput(person, award("LDTT"))]
    )
    services.registration_transition(
        registration=registration, action="submit", by=personas["head_a1"], today=D(2024, 10, 1)
    )
    assert list(selectors.registered_targets(personas["head_a1"], unit=tree["school_a1"], school_year=2024)) == [
        person.pk
    ]
    assert selectors.registered_targets(personas["secretary_a2"], unit=tree["school_a1"], school_year=2024) == {}


# --- query counts -------------------------------------------------------------------------------


def queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("method", ["get_edit", "post_check"])
def test_query_count_constant_with_one_and_many_lines(
    client, personas, office_campaign, tree, teams, person_factory, method
):
    client.force_login(personas["secretary_a1"])
    unit = tree["school_a1"]
    ldtt, cstdcs, gk, ttldtt = award("LDTT"), award("CSTDCS"), award("GK"), award("TTLDTT")

    def measure(people, team_lines):
        lines = [LineInput(p, cstdcs if i % 2 else ldtt, gk, "SK", EXPLANATION) for i, p in enumerate(people)]
        registration = Registration.objects.filter(campaign=office_campaign, unit=unit).first()
        save(
            office_campaign,
            unit,
            personas["secretary_a1"],
            lines,
            collective_title=ttldtt,
            collective_lines=[services.CollectiveLineInput(team, ttldtt) for team in team_lines],
            expected_version=getattr(registration, "version", None),
        )
        if method == "get_edit":
            return queries(client, "get", edit_url(office_campaign, unit))
        data = {"line": str(people[0].pk), "collective_title": ttldtt.pk}
        data |= {f"team_title_{team.pk}": ttldtt.pk for team in team_lines}
        for line in lines:
            data[f"title_{line.person.pk}"] = line.title.pk
            data[f"commendation_{line.person.pk}"] = gk.pk
        return queries(client, "post", check_url(office_campaign, unit), data)

    people = [person_factory(unit), person_factory(unit)]
    few = measure(people, teams[:1])
    people += [person_factory(unit if i % 2 else teams[i % 3]) for i in range(12)]
    many = measure(people, teams)
    assert many == few


# --- collective lines (the unit itself, its teams) ------------------------------------------------


def post_collective(client, campaign, unit, collective, data):
    return client.post(check_url(campaign, unit), {"collective": str(collective.pk), **data}, HTTP_HX_REQUEST="true")


def test_team_line_ttldtt_counts_members_registered_ldtt_in_the_same_form_as_pending(
    client, personas, office_campaign, tree, person_factory
):
    team, unit = tree["team_a1"], tree["school_a1"]
    members = [person_factory(team), person_factory(team)]
    client.force_login(personas["secretary_a1"])
    alone = post_collective(client, office_campaign, unit, team, {f"team_title_{team.pk}": award("TTLDTT").pk})
    with_members = post_collective(
        client,
        office_campaign,
        unit,
        team,
        {f"team_title_{team.pk}": award("TTLDTT").pk, **{f"title_{p.pk}": award("LDTT").pk for p in members}},
    )
    refused, pending = alone.context["collective_check"], with_members.context["collective_check"]
    assert [r.verdict for r in refused.results] == ["not_eligible"]
    assert refused.problems[0].startswith("Không đủ điều kiện «Tập thể lao động tiên tiến» năm học 2024-2025")
    assert f'id="check-unit-{team.pk}"' in alone.content.decode()
    assert [r.verdict for r in pending.results] != ["not_eligible"]
    assert pending.problems == []


def test_unit_own_collective_title_gets_a_verdict_and_a_mark(client, personas, office_campaign, tree, person_factory):
    unit = tree["school_a1"]
    person_factory(unit)
    client.force_login(personas["secretary_a1"])
    response = post_collective(client, office_campaign, unit, unit, {"collective_title": award("TTLDXS").pk})
    check = response.context["collective_check"]
    assert check.unit == unit
    assert [r.award_type.code for r in check.results] == ["TTLDXS"]
    assert check.breaks_rule
    assert "Cần sửa dòng tập thể này hoặc ghi giải trình" in response.content.decode()


def test_collective_fragment_refuses_a_unit_that_is_not_a_line_of_the_form(
    client, personas, office_campaign, tree, person_factory
):
    client.force_login(personas["secretary_a1"])
    response = post_collective(client, office_campaign, tree["school_a1"], tree["school_a2"], {})
    assert response.status_code == 404
    assert tree["school_a2"].name not in response.content.decode()


def test_edit_page_shows_team_verdicts(client, personas, office_campaign, tree, teams, person_factory):
    unit = tree["school_a1"]
    person = person_factory(teams[0])
    save(
        office_campaign,
        unit,
        personas["secretary_a1"],
        [LineInput(person, award("LDTT"))],
        collective_lines=[services.CollectiveLineInput(teams[1], award("TTLDTT"))],
    )
    client.force_login(personas["secretary_a1"])
    response = client.get(edit_url(office_campaign, unit))
    rows = {row["team"].pk: row["check"] for row in response.context["team_rows"]}
    assert [r.award_type.code for r in rows[teams[1].pk].results] == ["TTLDTT"]
    assert rows[teams[0].pk].results == []
    assert f'id="check-unit-{teams[1].pk}"' in response.content.decode()


def test_registration_check_collectives_cost_constant_queries_in_teams(office_campaign, tree, teams, person_factory):
    unit = tree["school_a1"]
    people = [person_factory(team) for team in teams]
    drafts = [services.LineDraft(p, award("LDTT")) for p in people]

    def measure(lines):
        with CaptureQueriesContext(connection) as ctx:
            check = services.registration_check(campaign=office_campaign, unit=unit, drafts=drafts, collectives=lines)
        assert all(c.results for c in check.collectives.values())
        return len(ctx.captured_queries)

    one = measure([CollectiveDraft(unit, award("TTLDTT")), CollectiveDraft(teams[0], award("TTLDTT"))])
    three = measure([CollectiveDraft(unit, award("TTLDTT"))] + [CollectiveDraft(t, award("TTLDTT")) for t in teams])
    assert one == three


# --- collective lines: saved problems, explanations, sending ------------------------------------------


def test_team_line_not_eligible_blocks_sending_until_explained(office_campaign, tree, personas, person_factory):
    team, unit = tree["team_a1"], tree["school_a1"]
    person = person_factory(team)  # a member with no title: the team cannot be a TTLĐTT
    registration = save(
        office_campaign,
        unit,
        personas["secretary_a1"],
        [LineInput(person)],
        collective_lines=[services.CollectiveLineInput(team, award("TTLDTT"))],
    )
    line = RegistrationCollectiveLine.objects.get()
    assert line.problems.startswith("Không đủ điều kiện «Tập thể lao động tiên tiến» năm học 2024-2025")
    with pytest.raises(ServiceError) as exc:
        services.registration_transition(
            registration=registration, action="send_to_head", by=personas["secretary_a1"], today=D(2024, 10, 1)
        )
    assert str(exc.value) == (
        f"Còn 1 dòng vi phạm điều kiện chưa sửa và chưa có giải trình ({team.name}). "
        "Hãy sửa các dòng được đánh dấu hoặc ghi giải trình cho từng dòng rồi gửi lại."
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.DRAFT
    registration = save(
        office_campaign,
        unit,
        personas["secretary_a1"],
        [LineInput(person)],
        collective_lines=[services.CollectiveLineInput(team, award("TTLDTT"), explanation=EXPLANATION)],
        expected_version=registration.version,
    )
    sent = services.registration_transition(
        registration=registration, action="send_to_head", by=personas["secretary_a1"], today=D(2024, 10, 1)
    )
    assert sent.status == RegistrationStatus.AWAITING_HEAD
    assert RegistrationCollectiveLine.objects.get().explanation == EXPLANATION


def test_unit_own_collective_line_blocks_sending_until_explained(office_campaign, tree, personas, person_factory):
    unit = tree["school_a1"]
    person = person_factory(unit)
    registration = save(
        office_campaign, unit, personas["secretary_a1"], [LineInput(person)], collective_title=award("TTLDXS")
    )
    assert registration.collective_problems != ""
    with pytest.raises(
        ServiceError, match=f"Còn 1 dòng vi phạm điều kiện chưa sửa và chưa có giải trình \\({unit.name}\\)"
    ):
        services.registration_transition(
            registration=registration, action="submit", by=personas["head_a1"], today=D(2024, 10, 1)
        )
    registration = save(
        office_campaign,
        unit,
        personas["secretary_a1"],
        [LineInput(person)],
        collective_title=award("TTLDXS"),
        collective_explanation=EXPLANATION,
        expected_version=registration.version,
    )
    sent = services.registration_transition(
        registration=registration, action="submit", by=personas["head_a1"], today=D(2024, 10, 1)
    )
    assert (sent.status, sent.collective_explanation) == (RegistrationStatus.SUBMITTED, EXPLANATION)


def test_edit_form_saves_a_team_explanation_and_shows_it_again(
    client, personas, office_campaign, tree, teams, person_factory
):
    unit = tree["school_a1"]
    person_factory(teams[1])
    client.force_login(personas["secretary_a1"])
    response = client.post(
        edit_url(office_campaign, unit),
        {f"team_title_{teams[1].pk}": award("TTLDTT").pk, f"team_explanation_{teams[1].pk}": EXPLANATION},
    )
    assert response.status_code in (200, 302)
    line = RegistrationCollectiveLine.objects.get(team=teams[1])
    assert (line.explanation, line.problems != "") == (EXPLANATION, True)
    page = client.get(edit_url(office_campaign, unit))
    row = next(r for r in page.context["team_rows"] if r["team"] == teams[1])
    assert row["explanation"].value() == EXPLANATION
    assert not row["check"].blocking


def test_overview_flags_team_and_own_collective_lines(client, personas, office_campaign, tree, teams, person_factory):
    unit = tree["school_a1"]
    person = person_factory(unit)
    members = [person_factory(teams[0]), person_factory(teams[1])]
    save(
        office_campaign,
        unit,
        personas["secretary_a1"],
        [LineInput(person)] + [LineInput(m) for m in members],
        collective_title=award("TTLDXS"),
        collective_lines=[
            services.CollectiveLineInput(teams[0], award("TTLDTT")),
            services.CollectiveLineInput(teams[1], award("TTLDTT"), explanation=EXPLANATION),
        ],
    )
    client.force_login(personas["reviewer_a"])
    response = client.get(reverse("campaigns:registration_overview", args=[office_campaign.pk]))
    row = next(u for u in response.context["page"] if u.pk == unit.pk)
    assert (row.flagged_lines, row.unexplained_lines) == (3, 2)
    assert "2 chưa giải trình" in response.content.decode()


def test_send_check_costs_constant_queries_with_one_and_three_team_lines(
    office_campaign, tree, teams, personas, person_factory
):
    unit = tree["school_a1"]
    members = [person_factory(team) for team in teams]

    def measure(team_lines):
        registration = Registration.objects.filter(campaign=office_campaign, unit=unit).first()
        registration = save(
            office_campaign,
            unit,
            personas["secretary_a1"],
            [LineInput(m) for m in members],
            collective_lines=[services.CollectiveLineInput(t, award("TTLDTT")) for t in team_lines],
            expected_version=getattr(registration, "version", None),
        )
        assert RegistrationCollectiveLine.objects.exclude(problems="").count() == len(team_lines)
        registration = Registration.objects.select_related("campaign", "unit").get(pk=registration.pk)
        with CaptureQueriesContext(connection) as ctx:
            problem = services.registration_send_problem(registration, today=D(2024, 10, 1))
        assert problem.startswith(f"Còn {len(team_lines)} dòng vi phạm")
        return len(ctx.captured_queries)

    assert measure(teams[:1]) == measure(teams)
