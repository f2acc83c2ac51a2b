import pytest

from members import create_app


@pytest.fixture
def client():
    return create_app().test_client()


def sign_in(client, name="ada", password="lovelace", **extra):
    return client.post("/sign-in", data={"name": name, "password": password, **extra})


def test_anonymous_visitors_are_sent_to_sign_in(client):
    resp = client.get("/lounge")
    assert resp.status_code == 302
    assert "/sign-in?next=%2Flounge" in resp.headers["Location"]


def test_anonymous_user_is_not_authenticated(client):
    assert client.get("/whoami").get_data(as_text=True) == "anonymous"


def test_signing_in_opens_the_lounge(client):
    assert sign_in(client).status_code == 302
    assert client.get("/lounge").get_data(as_text=True) == "welcome ada"
    assert client.get("/whoami").get_data(as_text=True) == "ada"


def test_a_wrong_password_is_refused(client):
    assert sign_in(client, password="nope").status_code == 401
    assert client.get("/lounge").status_code == 302


def test_signing_out_closes_the_lounge(client):
    sign_in(client, name="alan", password="turing")
    assert client.get("/sign-out").get_data(as_text=True) == "bye"
    assert client.get("/lounge").status_code == 302


def test_remember_me_sets_the_cookie(client):
    resp = sign_in(client, remember="y")
    assert "remember_token=" in resp.headers.get("Set-Cookie", "") or any(
        "remember_token=" in value for value in resp.headers.getlist("Set-Cookie"))
