import os
import shutil
import tempfile

import pytest
from werkzeug.security import generate_password_hash

from bookshelf import create_app
from bookshelf.db import get_db, init_db

# Two readers: "ada" owns books 1 and 2, "grace" owns book 3.
READERS = [("ada", "lovelace"), ("grace", "hopper")]
BOOKS = [
    (1, "Kindred", "Octavia E. Butler", 1979, "A writer is pulled back in time."),
    (1, "Parable of the Sower", "Octavia E. Butler", 1993, "A drought-ridden California."),
    (2, "Station Eleven", "Emily St. John Mandel", 2014, "A travelling symphony."),
]
REVIEWS = [(1, 2, 5, "Unforgettable."), (1, 1, 4, "Still thinking about it.")]


def load_test_data():
    db = get_db()
    db.executemany(
        "INSERT INTO reader (username, password_hash) VALUES (?, ?)",
        [(name, generate_password_hash(pw, method="pbkdf2:sha256:1000")) for name, pw in READERS],
    )
    db.executemany(
        "INSERT INTO book (owner_id, title, author, year, summary) VALUES (?, ?, ?, ?, ?)", BOOKS
    )
    db.executemany(
        "INSERT INTO review (book_id, reader_id, rating, body) VALUES (?, ?, ?, ?)", REVIEWS
    )
    db.commit()


@pytest.fixture
def app():
    workdir = tempfile.mkdtemp(prefix="bookshelf-")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": os.path.join(workdir, "test.sqlite"),
            "COVER_FOLDER": os.path.join(workdir, "covers"),
        }
    )
    with app.app_context():
        init_db()
        load_test_data()

    yield app

    # Remove the temporary database and any uploaded covers.
    shutil.rmtree(workdir)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username="ada", password="lovelace"):
        return self._client.post(
            "/auth/login", data={"username": username, "password": password}
        )

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
