"""A generated document's download with MEDIA_ACCEL_REDIRECT: the kernel decides, nginx sends (core/uploads.py)."""

import pytest
from django.urls import reverse

from documents.tests.helpers import render
from documents.tests.signing_fixtures import *  # noqa: F403 - the fixtures signing_kind, media_tmp
from documents.tests.signing_fixtures import KIND_CODE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("persona", "status"), [("head_a1", 200), ("reviewer_b", 404), ("outsider", 404)])
def test_document_download_by_nginx_only_inside_scope(
    client, settings, signing_kind, media_tmp, tree, personas, persona, status
):
    settings.MEDIA_ACCEL_REDIRECT = "/_media_noi_bo/"
    doc = render(KIND_CODE, tree["school_a1"], personas["head_a1"])
    client.force_login(personas[persona])

    response = client.get(reverse("documents:download", args=[doc.pk]))

    if status == 404:
        assert (response.status_code, response.has_header("X-Accel-Redirect")) == (404, False)
        return
    assert (
        response.status_code,
        response["X-Accel-Redirect"],
        response.content,
        response["X-Content-Type-Options"],
        response["Content-Disposition"].startswith("attachment; filename="),
    ) == (200, f"/_media_noi_bo/{doc.file.name}", b"", "nosniff", True)
