import pytest
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_empty_sign_in_says_what_to_enter_and_links_to_the_fields(client):
    page = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_username">Enter your username</a>' in page
    assert '<a href="#id_password">Enter your password</a>' in page
    assert "<title>Error: " in page


def test_wrong_password_keeps_the_username_and_signs_nobody_in(client):
    make_user("qa-lead", "lead")
    response = client.post(reverse("login"), {"username": "lead", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "Please enter a correct username and password" in page
    assert 'value="lead"' in page


def test_signing_in_lands_on_your_work_and_again_skips_the_form(client):
    lead = make_user("qa-lead", "lead")
    response = client.post(reverse("login"), {"username": "lead", "password": PASSWORD})
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(lead.pk)
    assert client.get(reverse("login")).status_code == 302
