"""Hostile workbooks on the people import page: refused on the form with a Vietnamese message, nobody imported
(all-or-nothing holds because nothing is read)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core import uploads
from core.tests import upload_files as files
from units.importing import HEADERS
from units.models import Person

pytestmark = pytest.mark.django_db

ROW = ["Trần Thị Lan", "Nữ", "01/02/1990", "Giáo viên", "", "01/09/2015", "", "", None]
BOOK = files.workbook([HEADERS, ROW[: len(HEADERS)]])


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("xlsm", uploads.WORKBOOK_MACRO),
        ("external_link", uploads.WORKBOOK_EXTERNAL),
        ("zip_bomb", uploads.WORKBOOK_BOMB.format(detail="một phần giải nén ra gấp hơn 100 lần")),
        ("encrypted", uploads.WORKBOOK_ENCRYPTED),
        ("exe", uploads.WORKBOOK_NOT_XLSX),
    ],
)
def test_a_hostile_workbook_is_refused_and_nobody_is_imported(tree, personas, case, message):
    data = {
        "xlsm": lambda: files.xlsm(BOOK),
        "external_link": lambda: files.with_external_link(BOOK),
        "zip_bomb": lambda: files.zip_bomb(BOOK, 3 * 1024 * 1024),
        "encrypted": lambda: files.OLE,
        "exe": lambda: files.EXE,
    }[case]()
    before = sorted(Person.objects.values_list("pk", "full_name"))
    browser = Client()
    browser.force_login(personas["secretary_a1"])
    response = browser.post(
        reverse("units:people_import", args=[tree["school_a1"].pk]), {"file": SimpleUploadedFile("ds.xlsx", data)}
    )
    assert (response.status_code, response.context["form"].errors["file"]) == (200, [message])
    assert sorted(Person.objects.values_list("pk", "full_name")) == before
