"""The document engine on a kind registered only for these tests: rendering, layout, fetcher, idempotence."""

import datetime
import re
import subprocess
import tempfile

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from documents import layout, registry, rendering, services
from documents.enums import DocumentStatus
from documents.models import GeneratedDocument
from documents.tests.helpers import file_bytes, fonts_embedded, pdf_lines, pdf_reader, pdf_text, render
from units.rules import Cap, can
from units.selectors import unit_get_visible

MM = 72 / 25.4


def _build(unit, *, variant, options):
    names = [p.full_name for p in unit.people.order_by("full_name", "id")]
    return {
        "letterhead": layout.letterhead(
            unit=unit,
            symbol="TTr",
            number=None if options.get("blank") else 5,
            day=None if options.get("blank") else datetime.date(2025, 2, 5),
        ).as_dict(),
        "doc_type": "Tờ trình",
        "excerpt": "Về việc đề nghị khen thưởng năm học 2024-2025",
        "addressees": layout.addressees([unit.parent.name if unit.parent_id else ""]),
        "bases": layout.legal_bases(
            ["Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;", "Nghị định số 152/2025/NĐ-CP"]
        ),
        "receivers": layout.receivers([], keep="TĐKT", as_above=True),
        "signature": layout.Signature(title="Hiệu trưởng", name="Nguyễn Văn Bảo").as_dict(),
        "intro": options.get("intro", "Trường kính trình."),
        "names": names,
        "probe_url": options.get("probe_url", ""),
        "meta": {
            "title": "Tờ trình thử",
            "issuer": unit.name,
            "number": "05/TTr",
            "date": "2025-02-05",
            "unit_id": unit.pk,
            "expected_pages": 1 + len(names) // 30,
        },
    }


@pytest.fixture
def check_kind(db):
    from units.models import Unit

    kind = registry.DocumentKind(
        code="engine_check",
        label="Văn bản thử",
        model=Unit,
        template="documents/tests/engine_check.html",
        build=_build,
        get_visible=unit_get_visible,
        may_request=lambda user, unit: can(user, Cap.FILE, unit),
        option_fields=("intro", "probe_url", "blank"),
    )
    registry.register(kind)
    yield kind
    registry._KINDS.pop("engine_check", None)


@pytest.fixture
def school(tree):
    school = tree["school_a1"]
    school.parent_body_name = "UBND huyện Gia Lâm"
    school.document_code = "THA1"
    school.locality = "Gia Lâm"
    school.save()
    return school


# --- layout rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "expected"), [(5, "Số: 05/TTr-PGDĐT"), (10, "Số: 10/TTr-PGDĐT"), ("50a", "Số: 50a/TTr-PGDĐT")]
)
def test_number_line_zero_pads_under_ten(number, expected):
    assert layout.number_line(number, "TTr", "PGDĐT") == expected


def test_number_line_without_number_leaves_the_blank_for_the_registry():
    assert layout.number_line(None, "BB", "HĐTĐKT") == "Số:      /BB-HĐTĐKT"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2025, 2, 5), "Gia Lâm, ngày 05 tháng 02 năm 2025"),
        (datetime.date(2025, 1, 15), "Gia Lâm, ngày 15 tháng 01 năm 2025"),
        (datetime.date(2024, 12, 3), "Gia Lâm, ngày 03 tháng 12 năm 2024"),
        (datetime.date(2024, 3, 31), "Gia Lâm, ngày 31 tháng 3 năm 2024"),
    ],
)
def test_date_line_pads_day_and_first_two_months(day, expected):
    assert layout.date_line("Gia Lâm", day) == expected


def test_legal_bases_end_with_semicolons_and_a_full_stop_without_doubling():
    lines = layout.legal_bases(["Luật Thi đua, khen thưởng ngày 15/6/2022;;", "Căn cứ Nghị định 152/2025/NĐ-CP.", " "])
    assert lines == ["Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022;", "Căn cứ Nghị định 152/2025/NĐ-CP."]


def test_addressees_one_alone_and_several_with_dashes():
    assert layout.addressees(["Sở Giáo dục và Đào tạo;"]) == ["Sở Giáo dục và Đào tạo."]
    assert layout.addressees(["UBND xã Bình Lâm", "Phòng GD&ĐT"]) == ["- UBND xã Bình Lâm;", "- Phòng GD&ĐT."]


def test_receivers_start_as_above_and_end_with_the_archive():
    assert layout.receivers(["Phòng GD&ĐT."], keep="TĐKT", as_above=True) == [
        "- Như trên;",
        "- Phòng GD&ĐT;",
        "- Lưu: VT, TĐKT.",
    ]
    assert layout.receivers([], keep="", as_article="Điều 3") == ["- Như Điều 3;", "- Lưu: VT."]


def test_signature_lines_in_capitals_with_the_authority_first():
    sig = layout.Signature(title="Phó hiệu trưởng", name="Trần Thị Hoa", authority="kt. hiệu trưởng")
    assert sig.lines == ["KT. HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG"]


# --- the URL fetcher ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:8000/admin/",
        "https://example.com/x.png",
        "portal:/static/../../config/settings.py",
        "portal:/static/%2e%2e/manage.py",
        "portal:/media/documents/x.pdf",
        "ftp://example.com/x",
    ],
)
def test_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(ValueError):
        rendering.url_fetcher().fetch(url)


def test_fetcher_serves_the_bundled_font_and_data_uris():
    font = rendering.url_fetcher().fetch("portal:/static/fonts/LiberationSerif-Regular.ttf")
    assert font.read(4) == b"\x00\x01\x00\x00"  # a TrueType file
    assert rendering.url_fetcher().fetch("data:text/plain,xin%20ch%C3%A0o").read() == "xin chào".encode()


# --- rendering ------------------------------------------------------------------------------------------


def test_render_a4_portrait_with_fonts_embedded_and_exact_vietnamese(check_kind, school, personas, person_factory):
    for _ in range(3):
        person_factory(unit=school)
    doc = render(
        "engine_check", school, personas["secretary_a1"], options={"intro": "Kính trình: ỗ ặ ẵ ữ ỹ Ộ Ễ đ Đ Ư Ơ."}
    )
    data = file_bytes(doc)
    lines = pdf_lines(data)
    assert lines[:2] == ["UBND HUYỆN GIA LÂM", "TRƯỜNG TIỂU HỌC A1"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert "Độc lập - Tự do - Hạnh phúc" in lines
    assert "Số: 05/TTr-THA1 Gia Lâm, ngày 05 tháng 02 năm 2025" in lines
    assert "Kính gửi: Phòng GD&ĐT A." in lines
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" in lines
    assert "Kính trình: ỗ ặ ẵ ữ ỹ Ộ Ễ đ Đ Ư Ơ." in lines
    assert lines[-6:-1] == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, TĐKT.", "HIỆU TRƯỞNG", "Nguyễn Văn Bảo"]
    assert lines[-1].startswith(f"Mã xác thực: {doc.verification_code} · Kiểm tra tại ")
    reader = pdf_reader(data)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert fonts_embedded(data) and all(fonts_embedded(data).values())
    assert doc.pages == 1 and doc.file_sha256 and doc.size == len(data)
    assert doc.anchors["sig-main"]["page"] == 0


def test_blank_number_and_date_keep_the_room_the_registry_writes_in(check_kind, school, personas):
    """ "Số:      /TTr-THA1" and "ngày      tháng      năm": HTML would fold the spaces into one."""
    data = file_bytes(render("engine_check", school, personas["secretary_a1"], options={"blank": "1"}))
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        text = subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], capture_output=True, check=True
        ).stdout.decode()
    assert re.search(r"Số: {4,}/TTr-THA1", text), text[:600]
    assert re.search(r"ngày {4,}tháng {4,}năm", text), text[:600]


def test_margins_left_30mm_right_15mm_and_page_numbers_from_page_two(check_kind, school, personas, person_factory):
    for _ in range(70):
        person_factory(unit=school)
    data = file_bytes(render("engine_check", school, personas["secretary_a1"]))
    reader = pdf_reader(data)
    assert len(reader.pages) >= 3
    xs_left, tops = [], {}

    def visit(page_no):
        def visitor(text, cm, tm, font_dict, font_size):
            if text.strip():
                x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
                xs_left.append(x)
                tops.setdefault(page_no, []).append((y, text.strip()))

        return visitor

    for number, page in enumerate(reader.pages):
        page.extract_text(visitor_text=visit(number))
    assert min(xs_left) >= 30 * MM - 1  # nothing in the 30 mm binding margin
    # The page number is the highest text of pages 2 and 3 (in the top margin), absent from page 1.
    assert max(tops[1])[1] == "2" and max(tops[2])[1] == "3"
    assert max(tops[0])[1] != "1"
    assert max(tops[1])[0] > 842 - 20 * MM  # inside the top margin


def test_fetcher_refusal_does_not_stop_the_render_nor_leak_the_file(check_kind, school, personas):
    doc = render("engine_check", school, personas["secretary_a1"], options={"probe_url": "file:///etc/hostname"})
    assert "root" not in pdf_text(file_bytes(doc))
    images = pdf_reader(file_bytes(doc)).pages[0].images
    # The refused image was not embedded: the one image is the verification QR code (a PNG, 4 px a module).
    assert [(image.image.width == image.image.height, image.image.width % 4) for image in images] == [(True, 0)]


def test_progress_reports_rising_percentages():
    html = rendering.html_render("documents/tests/engine_check.html", {"names": ["A"] * 80, "letterhead": {}})
    seen = []
    result = rendering.pdf_render(html, progress=seen.append, expected_pages=3)
    assert result.pages >= 2
    assert seen == sorted(seen) and seen[0] < 10 and seen[-1] >= 90


# --- requests, idempotence, stale, failure --------------------------------------------------------------


def test_same_inputs_render_once_and_a_change_makes_the_old_file_stale(
    check_kind, school, personas, person_factory, django_capture_on_commit_callbacks
):
    secretary = personas["secretary_a1"]
    person_factory(unit=school)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = services.document_request(kind_code="engine_check", obj=school, by=secretary)
    assert len(callbacks) == 1
    first.refresh_from_db()
    assert first.status == DocumentStatus.READY
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = services.document_request(kind_code="engine_check", obj=school, by=secretary)
    assert (again.pk, len(callbacks)) == (first.pk, 0)
    assert services.document_is_stale(first) is False

    person_factory(unit=school)
    assert services.document_is_stale(first) is True
    with django_capture_on_commit_callbacks(execute=True):
        second = services.document_request(kind_code="engine_check", obj=school, by=secretary)
    assert second.pk != first.pk
    assert GeneratedDocument.objects.filter(kind="engine_check").count() == 2


def test_a_user_the_kind_refuses_cannot_ask(check_kind, school, personas):
    with pytest.raises(PermissionDenied):
        services.document_request(kind_code="engine_check", obj=school, by=personas["council_a1"])
    assert not GeneratedDocument.objects.exists()


def test_a_failed_render_shows_its_reason_and_is_queued_again_on_request(check_kind, school, personas, monkeypatch):
    secretary = personas["secretary_a1"]
    doc = services.document_request(kind_code="engine_check", obj=school, by=secretary)

    def broken(*args, **kwargs):
        raise services.PermanentRenderError("Thiếu dữ liệu đơn vị.")

    monkeypatch.setattr(services, "pdf_render", broken)
    doc = services.document_build(document_id=doc.pk)
    assert (doc.status, doc.error, doc.file.name) == (DocumentStatus.FAILED, "Thiếu dữ liệu đơn vị.", "")
    monkeypatch.undo()
    again = services.document_request(kind_code="engine_check", obj=school, by=secretary)
    assert (again.pk, again.status, again.error) == (doc.pk, DocumentStatus.QUEUED, "")


def test_a_live_lease_is_respected_and_an_expired_one_taken_over(check_kind, school, personas):
    doc = services.document_request(kind_code="engine_check", obj=school, by=personas["secretary_a1"])
    GeneratedDocument.objects.filter(pk=doc.pk).update(status=DocumentStatus.RENDERING)
    with pytest.raises(services.RenderInProgress):
        services.document_build(document_id=doc.pk)
    GeneratedDocument.objects.filter(pk=doc.pk).update(updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    doc = services.document_build(document_id=doc.pk)
    assert (doc.status, doc.attempts) == (DocumentStatus.READY, 1)


def test_a_killed_render_leaves_no_final_file(check_kind, school, personas, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = services.document_request(kind_code="engine_check", obj=school, by=personas["secretary_a1"])

    class Killed(BaseException):
        pass

    real_replace = services.os.replace

    def die_before_rename(src, dst):
        raise Killed

    monkeypatch.setattr(services.os, "replace", die_before_rename)
    with pytest.raises(Killed):
        services.document_build(document_id=doc.pk)
    assert list(tmp_path.rglob("*")) == [p for p in tmp_path.rglob("*") if p.is_dir()]  # no file, not even a .part
    monkeypatch.setattr(services.os, "replace", real_replace)
    GeneratedDocument.objects.filter(pk=doc.pk).update(updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    doc = services.document_build(document_id=doc.pk)
    assert doc.status == DocumentStatus.READY
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [doc.file.name.rsplit("/", 1)[-1]]


# --- views ----------------------------------------------------------------------------------------------


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_request_view_queues_and_answers_with_the_status_fragment(
    check_kind, school, personas, django_capture_on_commit_callbacks
):
    client = _client(personas["secretary_a1"])
    url = reverse("documents:request", args=["engine_check", school.pk])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(url, {"format": "pdf"}, HTTP_HX_REQUEST="true")
    doc = GeneratedDocument.objects.get(kind="engine_check")
    body = response.content.decode()
    assert (response.status_code, doc.status, len(queued)) == (200, DocumentStatus.QUEUED, 1)
    assert f'id="doc-status-{doc.pk}"' in body and 'hx-trigger="every 1s"' in body  # polls while queued
    queued[0]()  # the commit: the task runs (eagerly in tests)
    polled = client.get(reverse("documents:detail", args=[doc.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in polled and reverse("documents:download", args=[doc.pk]) in polled


def test_outsiders_get_404_everywhere_and_the_refused_403(check_kind, school, personas):
    doc = render("engine_check", school, personas["secretary_a1"])
    request_url = reverse("documents:request", args=["engine_check", school.pk])
    for persona in ("secretary_a2", "reviewer_b", "outsider"):
        client = _client(personas[persona])
        assert client.get(reverse("documents:detail", args=[doc.pk])).status_code == 404, persona
        assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 404, persona
        assert client.post(request_url).status_code == 404, persona
    council = _client(personas["council_a1"])
    assert council.post(request_url).status_code == 403
    assert council.get(reverse("documents:download", args=[doc.pk])).status_code == 200  # reads its own unit
    head_of_office = _client(personas["reviewer_a"])
    response = head_of_office.get(reverse("documents:download", args=[doc.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"


def test_unknown_kind_is_404(personas, school):
    client = _client(personas["secretary_a1"])
    assert client.post(reverse("documents:request", args=["no_such_kind", school.pk])).status_code == 404


def test_verify_page_shows_the_document_without_login(check_kind, school, personas):
    doc = render("engine_check", school, personas["secretary_a1"])
    response = Client().get(reverse("documents:verify", args=[doc.verification_code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert doc.file_sha256 in body and "Tờ trình thử" in body and "05/TTr" in body
    assert Client().get(reverse("documents:verify", args=["ZZZZZZZZZZZZ"])).status_code == 404
    assert doc.verification_code in pdf_text(file_bytes(doc))


def test_our_stylesheet_is_parsed_once_per_process_and_again_when_it_changes(monkeypatch, tmp_path):
    import weasyprint

    parsed = []
    real = weasyprint.CSS

    class CountingCSS(real):
        def __init__(self, *args, **kwargs):
            parsed.append(kwargs.get("url"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "CSS", CountingCSS)
    monkeypatch.setattr(rendering, "_stylesheets", {})
    html = rendering.html_render("documents/tests/engine_check.html", {"names": [], "meta": {}})
    assert '<link rel="stylesheet" href="portal:/static/documents/document.css">' in html

    first = rendering.pdf_render(html)
    second = rendering.pdf_render(html)

    assert parsed == ["portal:/static/documents/document.css"]
    assert first.pages == second.pages == 1
    assert "PortalSerif" in str(fonts_embedded(second.pdf))  # the cached sheet's @font-face still applies
    copy = tmp_path / "document.css"
    copy.write_text(rendering.static_path(parsed[0]).read_text() + "\n.x { color: red; }\n")
    monkeypatch.setattr(rendering, "static_path", lambda url: copy)
    rendering.pdf_render(html)
    assert len(parsed) == 2  # another file version: parsed again
