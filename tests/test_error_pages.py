"""What a reader or an editor meets when something goes wrong."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, override_settings
from django.urls import path, reverse

from newsroom.urls import urlpatterns as site_urlpatterns
from tests.pages import policy


def broken(request):
    raise RuntimeError("the page could not be built")


urlpatterns = [path("broken/", broken), *site_urlpatterns]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_is_styled_within_its_own_content_security_policy():
    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    # The policy allows the site's own stylesheets only: no style attribute or element.
    assert policy(response)["style-src"] == ["'self'"]
    assert "style=" not in body and "<style" not in body
    assert 'rel="stylesheet" href="/static/css/site.css"' in body


@pytest.mark.django_db
def test_sign_in_with_an_outside_next_address_lands_in_the_admin(client, editor):
    login = reverse("admin:login")
    response = client.post(
        f"{login}?next=https://evil.example.com/",
        {
            "username": editor.username,
            "password": "secret-pass",
            "next": "https://evil.example.com/",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


@pytest.fixture
def static_files_not_collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }


@pytest.mark.django_db
def test_health_check_fails_when_pages_cannot_render(client, static_files_not_collected):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "pages": "cannot render"}


def test_serving_check_names_static_files_that_were_never_collected(static_files_not_collected):
    with pytest.raises(SystemCheckError, match=r"newsroom.E001.*not been collected"):
        call_command("check", deploy=True, tags=["serving"], fail_level="ERROR")
