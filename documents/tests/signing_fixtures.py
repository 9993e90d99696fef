"""A document kind registered only for the signing, scan and verification tests (on units.Unit, rendered with
the shared base template, so it carries the real letterhead and signature block with its `sig-main` anchor),
and a self-signed PKCS#12 made by the management command's function."""

import pytest

from documents import layout, registry
from documents.management.commands.documents_dev_certificate import dev_certificate
from units.rules import Cap, can
from units.selectors import unit_get_visible

KIND_CODE = "signing_test"
PASSWORD = "mật-khẩu-thử"
SIGNER = "Nguyễn Văn Bảo"


def _build(unit, *, variant, options):
    return {
        "title": "Tờ trình thử ký số",
        "letterhead": layout.letterhead(unit=unit, symbol="TTr", number=5, day=None).as_dict(),
        "doc_type": "TỜ TRÌNH",
        "excerpt": "Về việc thử ký số",
        "addressees": layout.addressees(["Phòng Giáo dục và Đào tạo"]),
        "bases": [],
        "receivers": layout.receivers(["Như trên"], keep="VT"),
        "signature": layout.Signature(title="Hiệu trưởng", name=SIGNER).as_dict(),
        "name": unit.name,
        "meta": {
            "title": "Tờ trình thử ký số",
            "issuer": unit.name.upper(),
            "number": "05/TTr-THỬ",
            "date": None,
            "unit_id": unit.pk,
            "expected_pages": 1,
        },
    }


def _may_request(user, unit):
    return can(user, Cap.FILE, unit) or can(user, Cap.SIGN, unit)


@pytest.fixture
def signing_kind():
    """Registered for one test, then removed (other apps' panels on units must not see it)."""
    from units.models import Unit

    kind = registry.DocumentKind(
        code=KIND_CODE,
        label="Văn bản thử ký số",
        model=Unit,
        template="documents/base.html",
        build=_build,
        get_visible=unit_get_visible,
        may_request=_may_request,
    )
    registry.register(kind)
    yield kind
    registry._KINDS.pop(KIND_CODE, None)


@pytest.fixture(scope="session")
def dev_p12():
    """(p12 bytes, certificate PEM) of one self-signed key for the whole run (RSA key generation is slow)."""
    return dev_certificate(name=SIGNER, password=PASSWORD)


@pytest.fixture
def media_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path
