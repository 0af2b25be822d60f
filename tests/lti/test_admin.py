"""The LTI registration admin saves through the flows (deployment ids as lines)."""

from __future__ import annotations

from django.test import Client
from lti_tool.models import Key, LtiRegistration

from tests.world import World

FORM = {
    "name": "Moodle",
    "issuer": "https://moodle.example.edu",
    "client_id": "abc",
    "audience": "",
    "auth_url": "https://moodle.example.edu/mod/lti/auth.php",
    "token_url": "https://moodle.example.edu/mod/lti/token.php",
    "keyset_url": "https://moodle.example.edu/mod/lti/certs.php",
    "is_active": "on",
    "deployment_ids": "1\n 2 \n\n",
}


def test_the_admin_adds_changes_and_deletes_registrations(world: World) -> None:
    client = Client()
    client.force_login(world.superuser)

    response = client.post("/admin/lti_tool/ltiregistration/add/", FORM)

    assert response.status_code == 302, response.content
    registration = LtiRegistration.objects.get()
    assert sorted(registration.deployments.values_list("deployment_id", flat=True)) == ["1", "2"]
    assert Key.objects.active().exists()
    change = f"/admin/lti_tool/ltiregistration/{registration.pk}/change/"
    assert b"1\n2" in client.get(change).content
    response = client.post(change, {**FORM, "deployment_ids": "2"})
    assert response.status_code == 302
    assert list(
        registration.deployments.filter(is_active=True).values_list("deployment_id", flat=True)
    ) == ["2"]
    assert client.get("/admin/learnplat_lti/resourcelinkbinding/").status_code == 200
    response = client.post(
        f"/admin/lti_tool/ltiregistration/{registration.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not LtiRegistration.objects.exists()
