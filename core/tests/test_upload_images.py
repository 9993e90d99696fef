"""Evidence images (PNG, JPEG) are decoded whole with Pillow before anything is stored (core.uploads.check_image):
a truncated or damaged image is refused, and so is one whose header declares more than UPLOAD_IMAGE_MAX_PIXELS
pixels (a decompression bomb: a few bytes that would decode into gigabytes), read before any pixel is decoded."""

import io
import random
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core import uploads


def noise_image(fmt: str, size: int = 64) -> bytes:
    """A real image of random pixels (so a cut removes pixel data, not only padding)."""
    rng = random.Random(15)
    image = Image.frombytes("RGB", (size, size), bytes(rng.getrandbits(8) for _ in range(size * size * 3)))
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A valid PNG header declaring width × height RGB pixels, with a few bytes of pixel data: 69 bytes in all."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, truecolour
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 100))
        + chunk(b"IEND", b"")
    )


def refusal(name: str, data: bytes) -> str | None:
    try:
        uploads.check_evidence(SimpleUploadedFile(name, data))
    except uploads.UploadRefused as refused:
        return str(refused)
    return None


UNREADABLE = (
    "Không đọc được ảnh «{name}»: tệp hỏng, bị cắt cụt hoặc không đúng định dạng {kind}. Hãy mở ảnh trên máy, "
    "lưu lại rồi tải lên."
)


@pytest.mark.parametrize(("name", "fmt"), [("anh.png", "PNG"), ("anh.jpg", "JPEG"), ("anh.jpeg", "JPEG")])
def test_a_whole_image_is_accepted(name, fmt):
    data = noise_image(fmt)

    assert refusal(name, data) is None
    assert uploads.check_evidence(SimpleUploadedFile(name, data)) == uploads.EXTENSION_TYPES[name[name.rfind(".") :]]


@pytest.mark.parametrize(("name", "fmt"), [("cat-cut.png", "PNG"), ("cat-cut.jpg", "JPEG")])
def test_a_truncated_image_is_refused(name, fmt):
    data = noise_image(fmt)

    assert refusal(name, data[: len(data) // 2]) == UNREADABLE.format(name=name, kind=fmt)


@pytest.mark.parametrize(("name", "fmt"), [("cat-cut.png", "PNG"), ("cat-cut.jpg", "JPEG")])
def test_a_truncated_image_is_refused_after_weasyprint_made_pillow_lenient(name, fmt, monkeypatch):
    """Importing WeasyPrint (any process that renders a document) sets Pillow's LOAD_TRUNCATED_IMAGES for the
    whole process; the check must not inherit it, and must leave it as it found it."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = noise_image(fmt)

    assert refusal(name, data[: len(data) // 2]) == UNREADABLE.format(name=name, kind=fmt)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_an_image_whose_pixel_data_is_damaged_is_refused():
    data = png_declaring(10, 10)  # 100 bytes of pixel data for 10 rows of 30 bytes: too short

    assert refusal("hong.png", data) == UNREADABLE.format(name="hong.png", kind="PNG")


def test_an_image_declaring_more_pixels_than_the_limit_is_refused_before_decoding():
    data = png_declaring(8000, 8000)  # 64 million pixels (192 MB decoded) in 69 bytes

    assert len(data) == 69
    assert refusal("bom.png", data) == (
        "Ảnh «bom.png» quá lớn (8.000 × 8.000 điểm ảnh): tối đa 50 triệu điểm ảnh. Hãy thu nhỏ ảnh rồi tải lên lại."
    )


def test_a_decompression_bomb_beyond_pillows_own_limit_is_refused_with_the_same_message():
    data = png_declaring(100_000, 100_000)  # 10 billion pixels: Pillow refuses to open it at all

    assert refusal("bom.png", data) == (
        "Ảnh «bom.png» quá lớn (10.000 triệu điểm ảnh): tối đa 50 triệu điểm ảnh. Hãy thu nhỏ ảnh rồi tải lên lại."
    )


def test_the_pixel_limit_is_a_setting(settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 1_500_000
    data = noise_image("PNG", size=64)

    assert refusal("nho.png", data) is None
    assert refusal("lon.png", png_declaring(2000, 1000)) == (
        "Ảnh «lon.png» quá lớn (2.000 × 1.000 điểm ảnh): tối đa 1,5 triệu điểm ảnh. Hãy thu nhỏ ảnh rồi tải lên lại."
    )


def test_a_png_named_jpg_is_still_refused_by_its_extension_first():
    assert refusal("anh.jpg", noise_image("PNG")) == (
        "Tệp «anh.jpg» có đuôi .jpg nhưng nội dung là PNG; hãy đặt đúng đuôi tệp rồi tải lên lại."
    )


@pytest.fixture
def nomination(school_nomination):
    return school_nomination


@pytest.mark.django_db
def test_a_truncated_image_uploaded_as_evidence_stores_nothing(client, personas, nomination, settings):
    """Through the upload page: the refusal is the form's error, and no attachment row is written; the whole
    image then goes through."""
    from django.urls import reverse

    from nominations.models import Attachment

    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    client.force_login(personas["secretary_a1"])
    url = reverse("nominations:attachment_upload", args=[nomination.pk])
    data = noise_image("PNG")
    cut = io.BytesIO(data[: len(data) // 2])
    cut.name = whole_name = "minh-chung.png"
    whole = io.BytesIO(data)
    whole.name = whole_name

    refused = client.post(url, {"file": cut})
    rows_after_refusal = Attachment.objects.count()
    accepted = client.post(url, {"file": whole})

    assert refused.status_code == 200
    assert UNREADABLE.format(name="minh-chung.png", kind="PNG") in refused.content.decode()
    assert rows_after_refusal == 0
    assert accepted.status_code == 302
    assert Attachment.objects.get().size == len(data)
