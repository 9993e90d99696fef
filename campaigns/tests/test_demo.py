import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from campaigns import services
from campaigns.enums import RegistrationStatus
from campaigns.models import Campaign, Registration
from campaigns.selectors import campaigns_visible_to

pytestmark = pytest.mark.django_db


def test_demo_campaigns_visible_and_pages_render(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    users = get_user_model().objects
    kindergarten = users.get(username="mn-hoasen-bl.thuky")
    # The Phòng's yearly plan and its two thematic campaigns (demo/workbench.py), its own, the Sở's.
    assert campaigns_visible_to(kindergarten).count() == 5
    assert Registration.objects.filter(status=RegistrationStatus.SUBMITTED).count() == 2
    own = Campaign.objects.get(launched_by__short_name="Mầm non Hoa Sen")
    assert own.phases.count() == 4
    for username in ("pgd-bl.chuyenvien", "mn-hoasen-bl.hieutruong", "so.quantri"):
        client.force_login(users.get(username=username))
        for name, args in (
            ("list", []),
            ("calendar", []),
            ("compact_list", []),
            ("detail", [own.pk]),
        ):
            assert client.get(reverse(f"campaigns:{name}", args=args)).status_code == 200, (username, name)
    client.force_login(users.get(username="pgd-bl.chuyenvien"))
    annual = Campaign.objects.get(launched_by__short_name="Phòng GD&ĐT Bình Lâm", document_number="345")
    response = client.get(reverse("campaigns:registration_overview", args=[annual.pk]))
    assert response.context["counts"] == {"expected": 9, "registered": 2, "submitted": 1, "missing": 7}
    # Hoa Sen's teams registered their own collective titles (seed 000: "tập thể nhỏ").
    totals = [(t.name, t.count) for t in response.context["totals"]["collective"]]
    assert totals == [("Tập thể lao động tiên tiến", 3)]  # the school itself and two of its teams
    hoa_sen = Registration.objects.get(campaign=annual, unit__short_name="Mầm non Hoa Sen")
    assert [str(t) for t in services.registration_targets(hoa_sen).teams] == [
        "Tập thể lao động tiên tiến: 2/3 tổ đạt 66,6 %",
        "Giấy khen: 1/3 tổ đạt 33,3 %",
    ]
