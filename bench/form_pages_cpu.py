"""CPU per request of a few form pages (templates/form.html and the app templates that render a whole form),
with `{% portal_form %}` writing the form in Python and with crispy-forms' `{% crispy %}` templates (the tag's
fallback, forced), in process through django.test.Client (BENCHMARKS.md «Province scale: fixes»).

    DATABASE_URL=postgres://…/<a copy of portal_scale> DEBUG=0 SECRET_KEY=x .venv/bin/python -m bench.form_pages_cpu

Each page is checked first: same HTML (whitespace between tags aside) through both paths.
"""

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="requests per page and path")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import re

    from django.conf import settings
    from django.test import Client
    from django.test.html import parse_html
    from django.urls import reverse

    from bench.load import _user
    from bench.profile_pages import _cpu_ms
    from core.templatetags import portal_forms
    from units.models import Person, UnitRole

    settings.ALLOWED_HOSTS = ["*"]
    print(f"load average: {open('/proc/loadavg').read().strip()} · DEBUG={settings.DEBUG}")
    school, admin = _user("school"), _user("admin")
    school_unit = UnitRole.objects.filter(user=school).select_related("unit").first().unit
    person = Person.objects.filter(unit=school_unit).order_by("pk").first()
    pages = [
        ("unit-edit", admin, reverse("units:edit", args=[school_unit.pk])),
        ("person-create", school, reverse("units:person_create", args=[school_unit.pk])),
        ("person-edit", school, reverse("units:person_edit", args=[person.pk])),
        ("dossier-create", school, reverse("nominations:dossier_create")),
        ("people-import", school, reverse("units:people_import", args=[school_unit.pk])),
    ]
    covered = portal_forms.covered
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')

    def crispy(on: bool):
        portal_forms.covered = (lambda form: False) if on else covered

    print(f"\n{'page':<16} {'crispy ms':>10} {'portal_form ms':>15} {'saved':>7}")
    for key, user, url in pages:
        client = Client()
        client.force_login(user)
        html = {}
        for on in (True, False):
            crispy(on)
            for _ in range(3):
                response = client.get(url)
                assert response.status_code == 200, f"{key}: GET {url} answered {response.status_code}"
            html[on] = parse_html(token.sub(b"", response.content).decode())
        assert html[True] == html[False], f"{key}: the two paths differ"
        ms = {}
        for on in (True, False):
            crispy(on)
            ms[on] = _cpu_ms(client, url, args.n)
        crispy(False)
        print(f"{key:<16} {ms[True]:>10.2f} {ms[False]:>15.2f} {ms[True] - ms[False]:>7.2f}")


if __name__ == "__main__":
    main()
