import re

import pytest

from signup import SIGNED_UP, create_app


@pytest.fixture
def client():
    SIGNED_UP.clear()
    return create_app().test_client()


def token(client):
    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_a_post_without_the_token_is_refused(client):
    resp = client.post("/", data={"name": "ann", "email": "ann@example.com"})
    assert resp.status_code == 400
    assert SIGNED_UP == []


def test_a_valid_signup_is_stored_and_flashed(client):
    resp = client.post("/", data={"name": "ann", "email": "ann@example.com", "csrf_token": token(client)})
    assert resp.status_code == 302
    assert SIGNED_UP == ["ann"]
    assert "thanks ann" in client.get("/").get_data(as_text=True)


def test_invalid_fields_are_reported(client):
    resp = client.post("/", data={"name": "", "email": "nope", "csrf_token": token(client)})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "name: This field is required." in page and "email:" in page
    assert SIGNED_UP == []


def test_without_csrf_the_form_still_validates():
    client = create_app(csrf_enabled=False).test_client()
    assert client.post("/", data={"name": "bo", "email": "bo@example.com"}).status_code == 302
    assert SIGNED_UP == ["bo"]
