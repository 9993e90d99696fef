"""Issue 12, item 7: the login page says which portal this is, messages are our own Vietnamese, no English
is left on the main pages (sort menus included), empty values are shown alike."""

import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

MAIN_PAGES = [
    "home",
    "units:list",
    "units:person_list",
    "units:block_list",
    "campaigns:list",
    "campaigns:compact_list",
    "campaigns:calendar",
    "nominations:dossier_list",
    "nominations:inbox",
    "nominations:decision_list",
    "nominations:notice_list",
    "nominations:objection_list",
    "awards:catalog",
    "awards:people_search",
    "awards:initiative_home",
    "councils:council_list",
    "notifications:list",
    "audit:list",
    "search:results",
    "workbench:dashboard",
]
# Words an English stock template or a package's untranslated label would leave on a page.
ENGLISH = re.compile(
    r"\b(descending|ascending|Submit|Search|Filter|Ordering|Unknown|Previous|Next|Login|Logout|Password|"
    r"Username|Select a valid|This field|Enter a|Yes|No|None|True|False)\b"
)


class VisibleText(HTMLParser):
    """The text a user reads or hears: text nodes outside <script>/<style>, and the labels carried by
    attributes (placeholder, aria-label, title, alt, the value of a button-like input)."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        attrs = dict(attrs)
        for name in ("placeholder", "aria-label", "title", "alt"):
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_on(client, user, name) -> list[str]:
    client.force_login(user)
    response = client.get(reverse(name), {"q": "nguyen"} if name == "search:results" else {}, follow=True)
    assert response.status_code in (200, 403), name  # a refusal page must be Vietnamese too
    return sorted(set(ENGLISH.findall(visible_text(response.content.decode()))))


@pytest.mark.parametrize("persona", ["secretary_a1", "admin_dept", "reviewer_a"])
def test_main_pages_show_no_english_words(client, personas, person_factory, tree, persona):
    person_factory(tree["school_a1"], phone="", email="")
    found = {name: english_on(client, personas[persona], name) for name in MAIN_PAGES}
    assert {name: words for name, words in found.items() if words} == {}


@pytest.mark.parametrize(
    "name",
    ["units:person_create", "units:people_import", "units:edit", "password_change", "awards:unit_check"],
)
def test_form_pages_show_no_english_words(client, personas, tree, name):
    client.force_login(personas["admin_dept"] if name == "units:edit" else personas["secretary_a1"])
    if name in ("units:person_create", "units:people_import"):
        url = reverse(name, kwargs={"unit_pk": tree["school_a1"].pk})
    elif name in ("units:edit", "awards:unit_check"):
        url = reverse(name, args=[tree["school_a1"].pk])
    else:
        url = reverse(name)
    response = client.get(url)
    assert (response.status_code, ENGLISH.findall(visible_text(response.content.decode()))) == (200, [])


def test_english_word_check_catches_a_stock_sort_label():
    html = (
        '<select name="o"><option value="-name">Tên (descending)</option></select><input type="submit" value="Submit">'
    )
    assert ENGLISH.findall(visible_text(html)) == ["descending", "Submit"]


def test_sort_menu_says_giam_dan(client, personas):
    client.force_login(personas["admin_dept"])
    html = client.get(reverse("units:list")).content.decode()
    assert ("Tên (giảm dần)" in html, "descending" in html) == (True, False)


def test_stock_messages_are_whole_sentences_in_vietnamese():
    with translation.override("vi"):
        email = forms.EmailField().clean
        with pytest.raises(forms.ValidationError) as caught:
            email("khong-phai-email")
        choice = forms.ChoiceField(choices=[("a", "A")])
        with pytest.raises(forms.ValidationError) as refused:
            choice.clean("b")
    assert caught.value.messages == ["Nhập địa chỉ email hợp lệ."]
    assert refused.value.messages == ["Lựa chọn không hợp lệ: b không có trong danh sách."]


def test_login_page_names_the_portal_and_where_to_get_help(client, settings):
    settings.PORTAL_ORGANISATION_NAME = "Sở Giáo dục và Đào tạo tỉnh Sơn Hà"
    settings.PORTAL_HELP_LINE = "Hỗ trợ: 0203 3826 123 (giờ hành chính)"
    response = client.get(reverse("login"))
    text = visible_text(response.content.decode())
    assert ("Sở Giáo dục và Đào tạo tỉnh Sơn Hà" in text, "Hỗ trợ: 0203 3826 123 (giờ hành chính)" in text) == (
        True,
        True,
    )
    assert "Nơi các trường, Phòng và Sở đăng ký thi đua" in text


def test_login_page_without_a_help_line_shows_none(client, settings):
    settings.PORTAL_HELP_LINE = ""
    assert 'id="login-help"' not in client.get(reverse("login")).content.decode()


def test_login_messages_are_our_own(client, db):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert response.context["form"].errors == {
        "username": ["Hãy nhập tên đăng nhập."],
        "password": ["Hãy nhập mật khẩu."],
    }


@pytest.mark.parametrize("value", [None, "", []])
def test_dash_shows_every_empty_value_alike(value):
    rendered = Template("{% load portal %}{{ value|dash }}").render(Context({"value": value}))
    assert rendered == '<span class="empty-value">—</span>'


@pytest.mark.parametrize(("value", "shown"), [(0, "0"), ("<b>", "&lt;b&gt;"), ("Tổ Toán", "Tổ Toán")])
def test_dash_keeps_and_escapes_a_value(value, shown):
    assert Template("{% load portal %}{{ value|dash }}").render(Context({"value": value})) == shown
