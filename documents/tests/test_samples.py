"""`manage.py documents_samples` on the seeded demo: every registered kind renders from a demo object; and the
bench's bare WeasyPrint embeds the same fonts as the engine (otherwise its timings compare other fonts)."""

import io
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from councils.enums import RoundStatus
from councils.models import Meeting
from documents import registry, samples
from documents.models import GeneratedDocument
from documents.tests.helpers import fonts_embedded, pdf_reader, pdf_text
from nominations.models import Dossier

pytestmark = pytest.mark.django_db

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())


def _png_size(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_samples_render_every_registered_kind_from_the_demo(demo, tmp_path):
    out = tmp_path / "samples"
    stdout = io.StringIO()

    call_command("documents_samples", out=str(out), stdout=stdout)

    codes = [kind.code for kind in registry.all_kinds()]
    assert sorted(p.stem for p in out.glob("*.pdf")) == sorted(codes)
    assert sorted(p.stem for p in out.glob("*.png")) == sorted(codes)
    for code in codes:
        pdf = (out / f"{code}.pdf").read_bytes()
        png = (out / f"{code}.png").read_bytes()
        assert pdf.startswith(b"%PDF-") and len(pdf_reader(pdf).pages) >= 1, code
        # Page 1 at 50 dpi: an A4 page is 414 × 585 px, portrait or landscape.
        assert png.startswith(PNG_MAGIC) and sorted(_png_size(png)) == [414, 585], code
    assert "Bỏ qua" not in stdout.getvalue()
    # The samples show the reference school and the meeting the command added to the demo.
    assert samples.dossier().unit.name == "Trường Mầm non Hoa Sen"
    words = " ".join(pdf_text((out / "submission.pdf").read_bytes()).split())  # the issuer block wraps
    assert "TRƯỜNG MẦM NON HOA SEN" in words
    meeting = Meeting.objects.get(rounds__status=RoundStatus.PUBLISHED)  # the demo's others are still open
    assert meeting.rounds.get().status == RoundStatus.PUBLISHED
    assert samples.meeting() == meeting

    # Run again: no second meeting or dossier, nothing rendered again (same inputs, same documents).
    counts = (Meeting.objects.count(), Dossier.objects.count(), GeneratedDocument.objects.count())
    call_command("documents_samples", out=str(out), stdout=io.StringIO())
    assert (Meeting.objects.count(), Dossier.objects.count(), GeneratedDocument.objects.count()) == counts


@pytest.fixture
def kind_without_demo_object():
    from awards.models import AwardType

    kind = registry.DocumentKind(
        code="no_sample",
        label="Văn bản không có mẫu",
        model=AwardType,
        template="documents/base.html",
        build=lambda obj, *, variant, options: {},
        get_visible=lambda user, pk: None,
        may_request=lambda user, obj: True,
    )
    registry.register(kind)
    yield kind
    registry._KINDS.pop(kind.code, None)


def test_samples_skip_and_name_a_kind_without_a_demo_object(kind_without_demo_object, tmp_path):
    get_user_model().objects.create_superuser("admin", password=None)
    stdout = io.StringIO()

    call_command("documents_samples", out=str(tmp_path), kinds="no_sample", no_meeting=True, stdout=stdout)

    assert "Bỏ qua no_sample (Văn bản không có mẫu): dữ liệu mẫu không có đối tượng phù hợp." in stdout.getvalue()
    assert list(tmp_path.iterdir()) == []


def test_samples_refuse_an_unknown_kind_and_a_database_without_the_demo(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Chưa có dữ liệu mẫu"):
        call_command("documents_samples", out=str(tmp_path), no_meeting=True, stdout=io.StringIO())
    get_user_model().objects.create_superuser("admin", password=None)
    with pytest.raises(CommandError, match="Loại văn bản không tồn tại: khong_co."):
        call_command("documents_samples", out=str(tmp_path), kinds="khong_co", stdout=io.StringIO())


def test_bench_bare_weasyprint_embeds_the_same_fonts_as_the_engine():
    from weasyprint import HTML

    from bench import documents as bench
    from documents.rendering import pdf_render

    html, _ = bench._list_html(5)
    with tempfile.TemporaryDirectory() as folder:
        bare_html, base_url = bench._bare_version(html, Path(folder))
        bare = HTML(string=bare_html, base_url=base_url).write_pdf()
    engine = pdf_render(html).pdf

    def names(pdf):
        return sorted(name.split("+", 1)[1] for name in fonts_embedded(pdf))

    assert names(bare) == names(engine) == ["PortalSerif", "PortalSerif-Bold", "PortalSerif-Italic"]
    assert all(fonts_embedded(bare).values())
    assert pdf_text(bare) == pdf_text(engine)
