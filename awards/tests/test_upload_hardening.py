"""A hostile workbook on the award-history import page: refused on the form, no record written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from awards.models import AwardRecord
from core import uploads
from core.tests import upload_files as files

pytestmark = pytest.mark.django_db


def test_a_workbook_with_a_macro_is_refused_and_nothing_is_recorded(tree, personas):
    browser = Client()
    browser.force_login(personas["secretary_a1"])
    response = browser.post(
        reverse("awards:history_import", args=[tree["school_a1"].pk, "khen-thuong"]),
        {"file": SimpleUploadedFile("khen-thuong.xlsx", files.xlsm(files.workbook([["a"]])))},
    )
    assert (response.status_code, response.context["form"].errors["file"]) == (200, [uploads.WORKBOOK_MACRO])
    assert AwardRecord.objects.count() == 0
