"""Digits that are not ASCII («²⁰²³», superscripts pass str.isdigit() but int() refuses them) in a query
string are ignored like any other junk: the page answers 200, never a 500 (found by the property tests)."""

import pytest
from django.test import Client
from django.urls import reverse

from documents.layout import number_text

pytestmark = pytest.mark.django_db

SUPERSCRIPT_YEAR = "²⁰²³"


@pytest.mark.parametrize("name", ["nominations:dossier_list", "nominations:decision_list"])
def test_a_superscript_school_year_filters_nothing_and_answers_200(personas, name):
    client = Client()
    client.force_login(personas["reviewer_a"])

    response = client.get(reverse(name), {"nam_hoc": SUPERSCRIPT_YEAR})

    assert response.status_code == 200


def test_a_document_number_in_superscript_is_kept_as_typed():
    assert (number_text("²"), number_text("5"), number_text("50a")) == ("²", "05", "50a")
