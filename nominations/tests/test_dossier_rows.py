"""The dossier page's cards written in Python (dossier_rows.py) give the template filters' bytes."""

import pytest
from django.template.defaultfilters import linebreaksbr

from nominations.dossier_rows import _linebreaksbr


@pytest.mark.parametrize(
    "text",
    [
        "Tốt.",
        "Dòng một\nDòng hai",
        "CRLF\r\nthen CR\rthen LF\n",
        "\r\r\n\n\r",
        "<b>đậm</b> & \"ngoặc\" 'đơn'",
        "a &amp; b <br> c",
        "",
    ],
)
def test_linebreaksbr_as_the_filter(text):
    assert _linebreaksbr(text) == linebreaksbr(text, autoescape=True)
