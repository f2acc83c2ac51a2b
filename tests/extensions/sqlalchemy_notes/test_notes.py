import pytest

from notes import Note, create_app, db


@pytest.fixture
def app():
    app = create_app()
    with app.app_context():
        db.create_all()
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


def test_a_posted_note_is_stored(client, app):
    resp = client.post("/notes", json={"text": "buy milk"})
    assert resp.status_code == 201
    with app.app_context():
        assert db.session.get(Note, resp.get_json()["id"]).text == "buy milk"


def test_notes_are_paginated(client):
    for text in ("a", "b", "c"):
        client.post("/notes", json={"text": text})
    resp = client.get("/notes?page=2")
    assert resp.get_json() == {"texts": ["c"], "pages": 2}


def test_a_missing_note_is_404(client):
    assert client.get("/notes/99").status_code == 404


def test_each_request_gets_a_fresh_session(client, app):
    client.post("/notes", json={"text": "first"})
    with app.app_context():
        db.session.execute(db.update(Note).values(text="edited"))
        db.session.commit()
    assert client.get("/notes/1").get_json() == {"text": "edited"}
