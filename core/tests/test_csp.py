"""The Content-Security-Policy and the other security headers, and pages that pass the policy (issue 15, item 5).

The policy (config/settings.py, django-csp) allows scripts, styles, fonts and requests from the portal only and no
inline code. A page breaks under it when its HTML carries a <script> body, a <style> element, a style="" or on…=
attribute, a javascript: address, an htmx hx-on or js: value (evaluated), or loads from another origin. Three nets:

- every template file served to a browser is scanned for those (fast: a new template with an inline script fails
  here, without a browser);
- the seeded demo (shared with the permission matrix: conftest.py `seeded_demo`) is crawled: every GET URL of the
  permission matrix as every role at every level that reads it, each refusal once per URL and status (crawl_plan
  says why that is enough), the admin site and htmx fragments as the superuser; each answer's headers checked and
  each distinct HTML body parsed once (slow);
- the browser journeys fail on any violation Chromium reports (browser_tests/conftest.py, PageGuard).

The suite runs with DEBUG=1 in the environment (config/settings.py reads it at import), so the headers seen here
are also those a developer's `make run` sends.
"""

import hashlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse

from core.tests.permission_matrix import ANONYMOUS, OUTSIDER

ROOT = Path(__file__).resolve().parents[2]

# What issue 15 asks for, written out here rather than read from the settings: weakening the settings fails.
EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
EXPECTED_HEADERS = {
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

# Every role at every level of the demo, an account without a role and a visitor (the crawl's personas).
CRAWL_PERSONAS = [
    ANONYMOUS,
    OUTSIDER,
    "admin",
    "so.quantri",
    "so.giamdoc",
    "so.chuyenvien",
    "so.hoidong",
    "so.thuky",
    "pgd-bl.truongphong",
    "pgd-bl.chuyenvien",
    "pgd-bl.thuky",
    "mn-hoasen-bl.hieutruong",
    "mn-hoasen-bl.quantri",
    "mn-hoasen-bl.thuky",
    "mn-hoasen-bl.hoidong",
]


# --- reading a page ----------------------------------------------------------------------------------------------

# <script type="…"> the browser runs; any other type (application/json) is data, which the policy does not govern.
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
# (tag, attribute) that make the browser fetch something the policy restricts to 'self' (img also data:).
FETCHING = {
    ("script", "src"),
    ("img", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("iframe", "src"),
    ("form", "action"),
    ("button", "formaction"),
    ("input", "formaction"),
    ("base", "href"),
}
HTMX_EVAL_VALUES = {"hx-vals", "data-hx-vals", "hx-headers", "data-hx-headers"}


def _other_origin(url: str) -> bool:
    parts = urlsplit(url.strip())
    return bool(parts.scheme and parts.scheme not in ("http", "https")) or bool(parts.netloc)


class _InlineCode(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._inline_script = False

    def _add(self, what: str, tag: str):
        line, column = self.getpos()
        self.problems.append(f"{line}:{column} <{tag}>: {what}")

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag == "script":
            runs = values.get("type", "").strip().lower() in SCRIPT_TYPES
            self._inline_script = runs and "src" not in values
            if self._inline_script:
                self._add("inline script (a <script> without src)", tag)
        elif tag == "style":
            self._add("<style> element", tag)
        elif tag in ("object", "embed"):
            self._add("plug-in content (object-src 'none')", tag)
        elif tag == "link" and {"stylesheet", "icon", "preload", "modulepreload"} & set(values.get("rel", "").split()):
            if _other_origin(values.get("href", "")):
                self._add(f"loads from another origin: {values['href']}", tag)
        for name, value in values.items():
            if name == "style":
                self._add(f'style="{value}" attribute', tag)
            elif name.startswith("on") and name[2:].isalpha():
                self._add(f"{name}= event handler attribute", tag)
            elif re.fullmatch(r"(data-)?hx-on([:-].*)?", name):
                self._add(f"{name} (htmx evaluates it as script)", tag)
            elif name in ("hx-vars", "data-hx-vars") or (
                name in HTMX_EVAL_VALUES and value.strip().lower().startswith(("js:", "javascript:"))
            ):
                self._add(f"{name}={value} (htmx evaluates it as script)", tag)
            elif name in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                self._add(f"javascript: address in {name}", tag)
            elif (tag, name) in FETCHING and _other_origin(value):
                if not (tag == "img" and value.strip().startswith("data:")):
                    self._add(f"loads from another origin: {value[:60]}", tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._inline_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self._inline_script = False


def inline_code(html: str) -> list[str]:
    """What in this HTML a browser enforcing EXPECTED_POLICY would refuse (line:column, tag, why)."""
    parser = _InlineCode()
    parser.feed(html)
    parser.close()
    return parser.problems


def policy_of(response) -> dict[str, list[str]]:
    """The enforced Content-Security-Policy of a response as {directive: [sources]} (django-csp orders them freely)."""
    header = response.get("Content-Security-Policy")
    if header is None:
        return {}
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {words[0]: words[1:] for words in directives}


def header_problems(response) -> list[str]:
    problems = []
    if "Content-Security-Policy-Report-Only" in response and "Content-Security-Policy" not in response:
        problems.append("the policy is only reported, not enforced")
    policy = policy_of(response)
    if policy != EXPECTED_POLICY:
        problems.append(f"Content-Security-Policy is {response.get('Content-Security-Policy')!r}")
    problems += [
        f"{name} is {response.get(name)!r}, not {value!r}"
        for name, value in EXPECTED_HEADERS.items()
        if response.get(name) != value
    ]
    return problems


def page_problems(response) -> list[str]:
    """Header and HTML problems of one answer; [] for anything that is not an HTML page."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return header_problems(response) + inline_code(body.decode("utf-8", "replace"))


# --- the checker itself ------------------------------------------------------------------------------------------


def test_inline_code_finds_every_kind_of_inline_code():
    html = """<!doctype html><html><head>
<style>p { color: red }</style>
<script>alert(1)</script>
<script src="/static/js/portal.js"></script>
<script type="application/json" id="data">{"a": 1}</script>
<link rel="stylesheet" href="https://cdn.example.com/x.css">
</head><body>
<p style="color: red">x</p>
<button onclick="go()">x</button>
<a href="javascript:void(0)">x</a>
<div hx-on:click="go()" hx-vals='js:{a: 1}'></div>
<img src="data:image/png;base64,AAAA" alt=""><img src="//evil.example/x.png" alt="">
<form action="https://evil.example/steal"></form>
<svg><rect style="fill: red"/></svg>
</body></html>"""

    assert inline_code(html) == [
        "2:0 <style>: <style> element",
        "3:0 <script>: inline script (a <script> without src)",
        "6:0 <link>: loads from another origin: https://cdn.example.com/x.css",
        '8:0 <p>: style="color: red" attribute',
        "9:0 <button>: onclick= event handler attribute",
        "10:0 <a>: javascript: address in href",
        "11:0 <div>: hx-on:click (htmx evaluates it as script)",
        "11:0 <div>: hx-vals=js:{a: 1} (htmx evaluates it as script)",
        "12:45 <img>: loads from another origin: //evil.example/x.png",
        "13:0 <form>: loads from another origin: https://evil.example/steal",
        '14:5 <rect>: style="fill: red" attribute',
    ]


def test_inline_code_passes_what_the_portal_writes():
    html = """<!doctype html><html><head><meta name="htmx-config" content='{"includeIndicatorStyles": false}'>
<link rel="stylesheet" href="/static/css/portal.css"><script src="/static/js/portal.js" defer></script></head>
<body><a href="https://thuvienphapluat.vn/">luật</a><select data-autosubmit name="role"></select>
<div hx-get="/van-ban/1/" hx-trigger="every 1s" hx-vals='{"a": 1}'></div><progress max="100" value="5"></progress>
<form method="post" action="/vai-tro/"></form><img src="data:image/svg+xml;base64,AAAA" alt=""></body></html>"""

    assert inline_code(html) == []


# --- the headers -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_sends_the_strict_policy_and_the_security_headers(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert policy_of(response) == EXPECTED_POLICY
    assert {name: response.get(name) for name in EXPECTED_HEADERS} == EXPECTED_HEADERS
    assert "unsafe" not in response["Content-Security-Policy"]
    assert "nonce" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_refusals_and_files_carry_the_policy_too(client, django_user_model):
    """A 404 and a 403 page (the portal's own templates, DEBUG off as in tests) and a file download."""
    user = django_user_model.objects.create_user("nguoi-ngoai-csp", password="x")  # noqa: S106 (test account)
    client.force_login(user)

    missing = client.get("/khong-co-trang-nay/")
    refused = client.get(reverse("campaigns:create"))
    template = client.get(reverse("nominations:import_template"))

    assert (missing.status_code, refused.status_code, template.status_code) == (404, 403, 200)
    assert page_problems(missing) == [] and page_problems(refused) == []
    assert policy_of(missing) == policy_of(refused) == policy_of(template) == EXPECTED_POLICY


def test_header_problems_names_a_weakened_policy():
    from django.http import HttpResponse

    response = HttpResponse("<p>x</p>")
    response["Content-Security-Policy"] = "default-src 'self'; script-src 'self' 'unsafe-inline'"

    problems = header_problems(response)

    assert problems[0] == "Content-Security-Policy is \"default-src 'self'; script-src 'self' 'unsafe-inline'\""
    assert problems[1] == "Referrer-Policy is None, not 'same-origin'"


# --- every template served to a browser ----------------------------------------------------------------------------

# Rendered by WeasyPrint into PDFs (documents/rendering.py), never sent to a browser: their <style> stays.
PRINT_TEMPLATES = ("templates/documents/", "documents/templates/documents/signature_stamp.html")
# Mail bodies are not pages.
MAIL = re.compile(r"(^|/)[^/]*email[^/]*$")
TEMPLATE_INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(ld\+)?json\")[^>]*>", re.I), "inline script"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: address"),
    (re.compile(r"\s(data-)?hx-on", re.I), "htmx hx-on"),
    (re.compile(r"\s(data-)?hx-vars\b|hx-(vals|headers)\s*=\s*['\"]\s*(js|javascript):", re.I), "htmx eval"),
]


def served_templates() -> list[Path]:
    found = []
    folders = [ROOT / "templates"] + sorted(ROOT.glob("*/templates"))
    for folder in folders:
        for path in sorted(folder.rglob("*.html")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(PRINT_TEMPLATES) or MAIL.search(relative) or ".venv" in relative:
                continue
            found.append(path)
    return found


# Comments (Django's and HTML's) never reach the browser as code; blanked out, keeping the line numbers.
COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}|<!--.*?-->", re.S)


def template_inline_code(text: str) -> list[str]:
    text = COMMENTS.sub(lambda match: "\n" * match.group(0).count("\n"), text)
    found = sorted(
        (text.count("\n", 0, match.start()) + 1, index, what, match.group(0).strip()[:60])
        for index, (pattern, what) in enumerate(TEMPLATE_INLINE)
        for match in pattern.finditer(text)
    )
    return [f"{line}: {what}: {snippet}" for line, _index, what, snippet in found]


def test_no_template_served_to_a_browser_has_inline_code():
    templates = served_templates()
    found = {
        path.relative_to(ROOT).as_posix(): problems
        for path in templates
        if (problems := template_inline_code(path.read_text(encoding="utf-8")))
    }

    assert len(templates) > 100, "the walk found the apps' templates"
    assert found == {}


def test_template_scan_finds_inline_code():
    text = (
        '{% block content %}\n<script>go()</script>\n<p style="x" onclick="y">\n<a href="javascript:z">\n'
        "{# no <style> here #}{% comment %}\n<script>\n{% endcomment %}<!-- <style> -->\n<style>\n{% endblock %}"
    )

    assert template_inline_code(text) == [
        "2: inline script: <script>",
        "3: style attribute: style=",
        "3: event handler attribute: onclick=",
        "4: javascript: address: javascript:",
        "8: <style> element: <style",
    ]


def test_history_template_override_is_the_package_one_without_its_style():
    """templates/simple_history/object_history_list.html drops one style="" of django-simple-history's: an upgrade
    that changes the package's template fails here, so the copy is made again rather than left behind."""
    import simple_history

    package = Path(simple_history.__file__).parent / "templates/simple_history/object_history_list.html"
    ours = ROOT / "templates/simple_history/object_history_list.html"
    expected = package.read_text(encoding="utf-8").replace(' style="border-top: 0"', "")

    assert ours.read_text(encoding="utf-8").split("\n", 1)[1] == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["400.html", "403.html", "403_csrf.html", "404.html", "413.html", "500.html", "503.html"]
)
def test_error_pages_have_no_inline_code(name):
    from django.template import TemplateDoesNotExist
    from django.template.loader import render_to_string

    request = RequestFactory().get("/")
    try:
        html = render_to_string(name, {"request": request, "reason": "x", "exception": "x"}, request=request)
    except TemplateDoesNotExist:
        pytest.skip(f"{name} is not a template of this portal")
    assert inline_code(html) == []


# --- the demo, every page, every role ------------------------------------------------------------------------------


def admin_urls() -> list[str]:
    """The admin site's index, each app's page, and each registered model's list, add, change and history pages."""
    from django.contrib import admin

    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse("admin:app_list", kwargs={"app_label": meta.app_label}))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]))
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[first.pk]))
    return sorted(set(urls))


# Django's own account pages (not in the matrix's walk of the portal's views).
AUTH_PAGES = ["login", "password_reset", "password_reset_done", "password_reset_complete", "password_change"]


def crawl_plan(urls) -> dict[str, list[str]]:
    """persona -> the portal URLs it is asked, from the matrix's rows `urls` ((row, name, url)) and EXPECTED.

    Each persona is asked every page the matrix expects it to read (200): what a page shows depends on the role
    (buttons, panels, forms, the menu of base.html). A refusal (302 to the login, 403, 404, 405) is asked once per
    row and status, of the first persona the matrix expects to get it: its page is the refusal's template in
    base.html, whose persona-dependent part (the menu) every persona's own 200 pages already show. Every persona
    is asked Django's account pages."""
    from core.tests.permission_matrix import EXPECTED

    plan: dict[str, list[str]] = {persona: [] for persona in CRAWL_PERSONAS}
    for row, _name, url in urls:
        expected = EXPECTED[row]
        refusals_asked = set()
        for persona in CRAWL_PERSONAS:
            status = expected[persona]
            if status == 200:
                plan[persona].append(url)
            elif status not in refusals_asked:
                refusals_asked.add(status)
                plan[persona].append(url)
    for persona in CRAWL_PERSONAS:
        plan[persona] += [reverse(name) for name in AUTH_PAGES]
    return plan


@dataclass
class Crawl:
    pages: int = 0  # HTML answers read
    parsed: int = 0  # distinct HTML bodies parsed (an identical body is parsed once, its headers checked each time)
    requests: int = 0
    problems: dict[str, list[str]] = field(default_factory=dict)

    def report(self) -> str:
        return "\n".join(f"{page}: {'; '.join(found)}" for page, found in sorted(self.problems.items()))


def crawl(plan: dict[str, list[str]], *, admin_site: bool = True) -> Crawl:
    """GET every URL of the plan as its persona (the admin site as the superuser, and every portal URL of the
    superuser a second time as htmx asks: the fragments it swaps in); check each answer's headers and HTML."""
    from units.services import user_create

    users = get_user_model().objects
    outsider = users.filter(username="nguoi-ngoai-csp").first() or user_create(
        by=None, username="nguoi-ngoai-csp", password=None
    )
    result = Crawl()
    parsed: dict[bytes, list[str]] = {}
    for persona, asked in plan.items():
        client = Client(raise_request_exception=False)
        if persona != ANONYMOUS:
            client.force_login(outsider if persona == OUTSIDER else users.get(username=persona))
        requests = [(url, False) for url in asked]
        if persona == "admin":
            requests += [(url, True) for url in asked]
            requests += [(url, False) for url in (admin_urls() if admin_site else [])]
        for url, htmx in requests:
            answer = client.get(url, headers={"HX-Request": "true"}) if htmx else client.get(url)
            result.requests += 1
            if not answer.get("Content-Type", "").startswith("text/html"):
                continue
            result.pages += 1
            body = b"".join(answer.streaming_content) if answer.streaming else answer.content
            digest = hashlib.blake2b(body, digest_size=16).digest()
            if digest not in parsed:
                parsed[digest] = inline_code(body.decode("utf-8", "replace"))
                result.parsed += 1
            if found := header_problems(answer) + parsed[digest]:
                how = " (htmx)" if htmx else ""
                result.problems[f"{url}{how} as {persona} ({answer.status_code})"] = found[:5]
    return result


def portal_urls():
    from core.tests.test_permission_matrix import build_targets, concrete_urls

    urls, missing = concrete_urls(build_targets())
    assert missing == []
    return urls


@pytest.mark.slow
@pytest.mark.django_db
def test_every_page_of_the_demo_passes_the_policy_for_every_role(seeded_demo):
    result = crawl(crawl_plan(portal_urls()))

    assert result.pages > 1000, "the crawl read the demo's pages"
    assert result.problems == {}, "\n" + result.report()


def test_crawl_plan_asks_every_readable_page_of_every_role_and_each_refusal_once():
    from core.tests.permission_matrix import EXPECTED

    rows = [(row, row.split("@")[0].split("?")[0], f"/{row}/") for row in EXPECTED]
    plan = crawl_plan(rows)

    readable = {
        (persona, f"/{row}/") for row in EXPECTED for persona in CRAWL_PERSONAS if EXPECTED[row][persona] == 200
    }
    asked = {(persona, url) for persona, urls in plan.items() for url in urls}
    assert readable <= asked
    for row in EXPECTED:
        refusals = {EXPECTED[row][persona] for persona in CRAWL_PERSONAS} - {200}
        askers = [persona for persona in CRAWL_PERSONAS if (persona, f"/{row}/") in asked]
        assert len(askers) == len(refusals) + sum(EXPECTED[row][p] == 200 for p in CRAWL_PERSONAS), row


PLANTED = '<script>alert("cài cắm")</script>'


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("template", "row", "answer"),
    [
        # A page only some roles read (the teacher's page: the school's and the Phòng's staff, not the sibling's).
        ("units/person_detail.html", "units:person_detail", "as mn-hoasen-bl.thuky (200)"),
        # A refusal's page, asked once per row and status (of the first persona the matrix expects to get it).
        ("404.html", "units:person_detail@sibling", "(404)"),
    ],
)
def test_the_crawl_fails_on_an_inline_script_planted_in_one_template(
    seeded_demo, settings, tmp_path, template, row, answer
):
    """The template, copied with an inline script into a folder put first in the template dirs (the real
    templates untouched): the crawl of that page's row reports it, for the persona that reads it."""
    from django.template import engines

    original = Path(engines["django"].engine.get_template(template).origin.name)
    planted = tmp_path / template
    planted.parent.mkdir(parents=True, exist_ok=True)
    head, last, tail = original.read_text(encoding="utf-8").rpartition("{% endblock %}")
    planted.write_text(head + PLANTED + last + tail, encoding="utf-8")  # at the end of the last block: the content
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    urls = [entry for entry in portal_urls() if entry[0] == row]

    result = crawl(crawl_plan(urls), admin_site=False)

    url = urls[0][2]
    assert [page for page in result.problems if page.startswith(f"{url} as ") and page.endswith(answer)] != []
    assert all("inline script (a <script> without src)" in " ".join(found) for found in result.problems.values())


# --- check --deploy ------------------------------------------------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings():
    """`manage.py check --deploy` with the production settings of docs/operations.md reports nothing, warnings included."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DATABASE_URL", "DEBUG"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": "test-only-" + "k3y-" * 16,
            "ALLOWED_HOSTS": "tdkt.example.vn",
            "CSRF_TRUSTED_ORIGINS": "https://tdkt.example.vn",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
            "SECURE_HSTS_PRELOAD": "1",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
