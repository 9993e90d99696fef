"""The public notice objects the permission matrix (core/tests/test_permission_matrix.py) asks about.

An open notice of the reference school listing the matrix's nomination, with one objection, made through
the services (the system publishes it, an anonymous visitor objects), reused when already there. The
public page shows, by design, the school and the nominee's name and unit: `public` lists those names so
that the matrix does not count them as out of scope there (and only there).
"""

from django.utils import timezone

from nominations import notice as notices
from nominations.models import Nomination, Objection, PublicNotice

TITLE = "Công khai thử của ma trận phân quyền"


def notice_targets(school, nomination_pk) -> tuple[dict[str, object], dict[str, list[str]]]:
    nomination = Nomination.objects.select_related("person__unit__parent", "unit__parent").get(pk=nomination_pk)
    notice = PublicNotice.objects.filter(unit=school, title=TITLE).first() or notices.notice_publish(
        by=None, unit=school, title=TITLE, nominations=[nomination], starts_on=timezone.localdate(), days=30
    )
    objection = Objection.objects.filter(notice=notice).order_by("pk").first() or notices.objection_submit(
        notice=notice,
        nomination_id=nomination.pk,
        content="Ý kiến thử của ma trận phân quyền.",
        client=notices.client_key("matrix"),
    )
    ids = {"notice": notice.pk, "objection": objection.pk, "notice_token": notice.token}
    shown = [school.name] + [value for row in notices.public_rows(notice) for value in (row["name"], row["unit"])]
    return ids, {"nominations:notice_public": shown}


def notice_bodies(ids) -> dict[str, dict[str, str]]:
    # Withdrawing needs no body; the objection and publishing forms get an empty one (errors, 200).
    return {}
