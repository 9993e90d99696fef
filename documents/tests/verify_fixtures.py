"""What the verification page's tests share: its three verdicts, the rate limit cleared around each test and a
rendered document of the signing kind. Star-imported by test_verify.py and test_verify_hardening.py."""

import pytest
from django.core.cache import cache

from documents.tests.helpers import render
from documents.tests.signing_fixtures import KIND_CODE

__all__ = ["MATCH_RENDERED", "MATCH_SIGNED", "NO_MATCH", "fresh_rate_limit", "rendered"]

MATCH_RENDERED = "Khớp với bản do cổng tạo ra"
MATCH_SIGNED = "Khớp với bản đã ký số"
NO_MATCH = "KHÔNG khớp: tệp đã bị thay đổi hoặc không phải văn bản này"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rendered(signing_kind, media_tmp, personas, tree):
    return render(KIND_CODE, tree["school_a1"], personas["head_a1"])
