import pytest
from flask import g, session

from bookshelf.db import get_db


def test_register_page_renders(client):
    response = client.get("/auth/register")
    assert response.status_code == 200
    assert b"Create an account" in response.data


def test_register_creates_reader(client, app):
    response = client.post("/auth/register", data={"username": "katherine", "password": "johnson"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"

    with app.app_context():
        row = get_db().execute("SELECT * FROM reader WHERE username = 'katherine'").fetchone()
    assert row is not None
    assert row["password_hash"] != "johnson"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "longenough", "Pick a username."),
        ("someone", "short", "at least 6 characters"),
        ("ada", "lovelace", "is taken"),
    ],
)
def test_register_rejects_bad_input(client, username, password, message):
    response = client.post("/auth/register", data={"username": username, "password": password})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_login_sets_session_and_user(client, auth):
    assert client.get("/auth/login").status_code == 200
    response = auth.login()
    assert response.headers["Location"] == "/"

    with client:
        client.get("/")
        assert session["reader_id"] == 1
        assert g.user["username"] == "ada"


@pytest.mark.parametrize(
    ("username", "password"), [("nobody", "lovelace"), ("ada", "wrong-password")]
)
def test_login_rejects_bad_credentials(auth, username, password):
    response = auth.login(username, password)
    assert response.status_code == 200
    assert b"Wrong username or password." in response.data


def test_login_follows_safe_next(client):
    response = client.post(
        "/auth/login?next=/books/new", data={"username": "ada", "password": "lovelace"}
    )
    assert response.headers["Location"] == "/books/new"

    response = client.post(
        "/auth/login?next=//evil.example/", data={"username": "ada", "password": "lovelace"}
    )
    assert response.headers["Location"] == "/"


def test_logout_clears_session(client, auth):
    auth.login()
    with client:
        response = auth.logout()
        assert response.status_code == 302
        assert "reader_id" not in session


def test_flash_messages_follow_redirect(client, auth):
    response = client.post(
        "/auth/login",
        data={"username": "grace", "password": "hopper"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Welcome back, grace!" in response.text
    assert "Signed in as grace" in response.text


def test_session_transaction_logs_in(client):
    with client.session_transaction() as sess:
        sess["reader_id"] = 2
    assert b"Signed in as grace" in client.get("/").data
