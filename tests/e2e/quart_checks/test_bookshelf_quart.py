"""End-to-end checks for the *migrated* bookshelf example, written for Quart.

quartify's README migrates ``examples/bookshelf`` (a Flask app). The harness runs
this module in a subprocess with the migrated ``bookshelf`` package importable
and pytest-asyncio configured with ``asyncio_mode = "auto"``. Every route of the
app is exercised through Quart's test client, so a migration that leaves a
missing ``await``, a sync hook, or a Flask-only argument behind fails here.

The module deliberately does not reuse the example's own (Flask) tests: it is
what those tests should look like after migration, written by hand.
"""

import csv
import io
import json
import os
import sqlite3

import pytest
from quart import g, session
from quart.datastructures import FileStorage
from werkzeug.security import generate_password_hash

from bookshelf import create_app
from bookshelf.books import BookFormError, read_book_form
from bookshelf.db import get_db, init_db, seed_demo_data

# Two readers: "ada" owns books 1 and 2, "grace" owns book 3.
READERS = [("ada", "lovelace"), ("grace", "hopper")]
BOOKS = [
    (1, "Kindred", "Octavia E. Butler", 1979, "A writer is pulled back in time."),
    (1, "Parable of the Sower", "Octavia E. Butler", 1993, "A drought-ridden California."),
    (2, "Station Eleven", "Emily St. John Mandel", 2014, "A travelling symphony."),
]
REVIEWS = [(1, 2, 5, "Unforgettable."), (1, 1, 4, "Still thinking about it.")]

PNG = b"\x89PNG\r\n\x1a\nnot really an image"


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
async def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE": str(tmp_path / "bookshelf.sqlite"),
            "COVER_FOLDER": str(tmp_path / "covers"),
        }
    )
    async with app.app_context():
        await init_db()
        load_test_data()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    async def login(self, username="ada", password="lovelace"):
        return await self._client.post(
            "/auth/login", form={"username": username, "password": password}
        )

    async def logout(self):
        return await self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


async def query(app, sql, params=()):
    async with app.app_context():
        return get_db().execute(sql, params).fetchall()


async def text_of(response):
    return await response.get_data(as_text=True)


# --- app factory, db module, CLI ------------------------------------------------


def test_factory_is_quart(tmp_path):
    from quart import Quart

    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "x.sqlite")})
    assert isinstance(app, Quart)
    assert app.testing
    assert app.config["SITE_NAME"] == "Bookshelf"


async def test_healthz(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert await response.get_json() == {"status": "ok", "books": 3}


async def test_db_connection_is_per_context(app):
    async with app.app_context():
        db = get_db()
        assert db is get_db()
        assert db.execute("SELECT COUNT(*) FROM reader").fetchone()[0] == 2
    # close_db ran as the app context's teardown.
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        db.execute("SELECT 1")


async def test_seed_demo_data_stays_sync(app):
    async with app.app_context():
        reader_id = seed_demo_data(username="demo2")
    rows = await query(app, "SELECT title FROM book WHERE owner_id = ?", (reader_id,))
    assert len(rows) == 3


def test_init_db_command_with_fake(runner, monkeypatch):
    # Sync test on purpose: the command calls asyncio.run itself.
    calls = []

    async def fake_init_db():
        calls.append("init")

    monkeypatch.setattr("bookshelf.db.init_db", fake_init_db)
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Initialized the database." in result.output
    assert calls == ["init"]


def test_init_db_command_real_with_demo(app, runner):
    import asyncio

    result = runner.invoke(args=["init-db", "--demo"])
    assert result.exit_code == 0, repr(result.exception)
    assert "demo data" in result.output
    rows = asyncio.run(query(app, "SELECT title FROM book"))
    titles = [row[0] for row in rows]
    assert "Invisible Cities" in titles
    assert "Kindred" not in titles  # the fixture's data was wiped


async def test_upload_limit_on_html_routes(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = await client.post(
        "/auth/register", form={"username": "x" * 500, "password": "secret"}
    )
    assert response.status_code == 413
    assert (await response.get_json())["error"] == "too large"


# --- auth blueprint ------------------------------------------------------------


async def test_register_page(client):
    response = await client.get("/auth/register")
    assert response.status_code == 200
    assert b"Create an account" in await response.get_data()


async def test_register_creates_reader(app, client):
    response = await client.post(
        "/auth/register", form={"username": "katherine", "password": "johnson"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    rows = await query(app, "SELECT password_hash FROM reader WHERE username = 'katherine'")
    assert rows and rows[0][0] != "johnson"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "longenough", "Pick a username."),
        ("someone", "short", "at least 6 characters"),
        ("ada", "lovelace", "is taken"),
    ],
)
async def test_register_rejects_bad_input(client, username, password, message):
    response = await client.post(
        "/auth/register", form={"username": username, "password": password}
    )
    assert response.status_code == 200
    assert message in await text_of(response)


async def test_login_sets_session(client, auth):
    assert (await client.get("/auth/login")).status_code == 200
    response = await auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    async with client:
        await client.get("/")
        assert session["reader_id"] == 1


async def test_login_loads_g_user(app, client, auth):
    await auth.login()
    # Quart keeps only the request context after a call, so g needs an outer app context.
    async with app.app_context(), client:
        await client.get("/")
        assert g.user["username"] == "ada"


@pytest.mark.parametrize(
    ("username", "password"), [("nobody", "lovelace"), ("ada", "wrong-password")]
)
async def test_login_rejects_bad_credentials(auth, username, password):
    response = await auth.login(username, password)
    assert response.status_code == 200
    assert b"Wrong username or password." in await response.get_data()


async def test_login_follows_only_local_next(client):
    creds = {"username": "ada", "password": "lovelace"}
    response = await client.post("/auth/login?next=/books/new", form=creds)
    assert response.headers["Location"] == "/books/new"
    response = await client.post("/auth/login?next=//evil.example/", form=creds)
    assert response.headers["Location"] == "/"


async def test_logout_clears_session(client, auth):
    await auth.login()
    async with client:
        response = await auth.logout()
        assert response.status_code == 302
        assert "reader_id" not in session


async def test_flash_messages_follow_redirect(client):
    response = await client.post(
        "/auth/login",
        form={"username": "grace", "password": "hopper"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    body = await text_of(response)
    assert "Welcome back, grace!" in body
    assert "Signed in as grace" in body


async def test_session_transaction_logs_in(client):
    async with client.session_transaction() as sess:
        sess["reader_id"] = 2
    assert b"Signed in as grace" in await (await client.get("/")).get_data()


# --- books blueprint (HTML) ----------------------------------------------------


async def test_index_lists_books(client):
    response = await client.get("/")
    assert response.status_code == 200
    body = await response.get_data()
    assert b"Kindred" in body
    assert b"Station Eleven" in body
    assert b"The shelf \xc2\xb7 Bookshelf" in body  # block title + context processor


async def test_index_filters_by_author(client):
    response = await client.get("/", query_string={"author": "Emily St. John Mandel"})
    body = await response.get_data()
    assert b"Station Eleven" in body
    assert b"Kindred" not in body


async def test_stars_template_filter(app, client):
    stars = app.jinja_env.filters["stars"]
    assert stars(None) == "not yet rated"
    assert stars(4.5) == "★★★★★"
    assert stars(2.2) == "★★☆☆☆"
    assert "★★★★★" in await text_of(await client.get("/books/1"))
    assert "not yet rated" in await text_of(await client.get("/books/3"))


async def test_detail_shows_reviews(client):
    response = await client.get("/books/1")
    assert response.status_code == 200
    body = await response.get_data()
    assert b"Unforgettable." in body
    assert b"2 reviews" in body


async def test_missing_book_uses_blueprint_404(client):
    response = await client.get("/books/99")
    assert response.status_code == 404
    body = await response.get_data()
    assert b"Not on the shelf" in body
    assert b"There is no book with id 99." in body


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/books/new"),
        ("POST", "/books/new"),
        ("GET", "/books/1/edit"),
        ("POST", "/books/1/edit"),
        ("POST", "/books/1/delete"),
        ("POST", "/books/1/review"),
    ],
)
async def test_login_required_redirects(client, method, path):
    response = await client.open(path, method=method)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next={path}"


async def test_login_required_flashes(client):
    response = await client.get("/books/new", follow_redirects=True)
    assert b"Please log in first." in await response.get_data()


async def test_only_owner_may_edit_or_delete(client, auth):
    await auth.login("grace", "hopper")
    assert (await client.get("/books/1/edit")).status_code == 403
    assert (await client.post("/books/1/delete")).status_code == 403
    assert (await client.get("/books/3/edit")).status_code == 200


async def test_create_book(app, client, auth):
    await auth.login()
    assert (await client.get("/books/new")).status_code == 200
    response = await client.post(
        "/books/new",
        form={"title": "Dawn", "author": "Octavia E. Butler", "year": "1987", "summary": ""},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/books/4"
    rows = await query(app, "SELECT title, year, owner_id FROM book WHERE id = 4")
    assert tuple(rows[0]) == ("Dawn", 1987, 1)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"title": "", "author": "Someone"}, "Title and author are both required."),
        ({"title": "Dawn", "author": "Butler", "year": "soon"}, "does not look like a year"),
    ],
)
async def test_create_book_validation(client, auth, form, message):
    await auth.login()
    response = await client.post("/books/new", form=form)
    assert response.status_code == 200
    body = await text_of(response)
    assert message in body
    assert f'value="{form["author"]}"' in body  # what was typed is kept


async def test_edit_book(app, client, auth):
    await auth.login()
    page = await client.get("/books/1/edit")
    assert b'value="Kindred"' in await page.get_data()
    response = await client.post(
        "/books/1/edit",
        form={"title": "Kindred (anniversary ed.)", "author": "Octavia E. Butler", "year": ""},
        follow_redirects=True,
    )
    assert b"Changes saved." in await response.get_data()
    rows = await query(app, "SELECT title, year FROM book WHERE id = 1")
    assert tuple(rows[0]) == ("Kindred (anniversary ed.)", None)


async def test_delete_book(app, client, auth):
    await auth.login()
    response = await client.post("/books/2/delete")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert await query(app, "SELECT id FROM book WHERE id = 2") == []
    assert (await client.get("/books/2")).status_code == 404


async def test_review_form(client, auth):
    await auth.login("grace", "hopper")
    response = await client.post(
        "/books/3/review", form={"rating": "3", "body": "Hopeful."}, follow_redirects=True
    )
    body = await response.get_data()
    assert b"Thanks for the review!" in body
    assert b"Hopeful." in body

    response = await client.post("/books/3/review", form={"rating": "9"}, follow_redirects=True)
    assert b"Choose a rating from 1 to 5." in await response.get_data()


async def test_read_book_form_helper_in_request_context(app):
    async with app.test_request_context(
        "/books/new",
        method="POST",
        form={"title": " Wild Seed ", "author": "Butler", "year": "1980"},
    ):
        assert await read_book_form() == {
            "title": "Wild Seed",
            "author": "Butler",
            "year": 1980,
            "summary": "",
        }

    async with app.test_request_context("/books/new", method="POST", form={"title": "No author"}):
        with pytest.raises(BookFormError):
            await read_book_form()


# --- JSON API ------------------------------------------------------------------


async def test_api_list_books(client):
    response = await client.get("/api/books")
    assert response.status_code == 200
    books = await response.get_json()
    assert [b["title"] for b in books] == ["Kindred", "Parable of the Sower", "Station Eleven"]
    assert books[0]["average_rating"] == 4.5
    assert books[0]["review_count"] == 2


async def test_api_get_book(client):
    data = await (await client.get("/api/books/3")).get_json()
    assert data["owner"] == "grace"
    assert data["average_rating"] is None


async def test_api_missing_book_is_json_404(client):
    response = await client.get("/api/books/42")
    assert response.status_code == 404
    assert await response.get_json() == {
        "error": "Not Found",
        "message": "There is no book with id 42.",
    }


async def test_api_create_requires_login(client):
    response = await client.post("/api/books", json={"title": "X", "author": "Y"})
    assert response.status_code == 401
    assert (await response.get_json())["error"] == "Unauthorized"


async def test_api_create_book(client, auth):
    await auth.login()
    response = await client.post(
        "/api/books", json={"title": "Lilith's Brood", "author": "Octavia E. Butler"}
    )
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/books/4"
    data = await response.get_json()
    assert (data["title"], data["owner"]) == ("Lilith's Brood", "ada")
    assert (await (await client.get("/api/books/4")).get_json())["year"] is None


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (["not", "an", "object"], "Expected a JSON object."),
        ({"title": "No author"}, "'author' is required."),
        ({"title": "   ", "author": "A"}, "'title' must be a non-empty string."),
        ({"title": "T", "author": "A", "year": "1999"}, "'year' must be an integer or null."),
    ],
)
async def test_api_create_book_validation(client, auth, payload, message):
    await auth.login()
    response = await client.post("/api/books", json=payload)
    assert response.status_code == 400
    assert (await response.get_json())["message"] == message


async def test_api_update_book(client, auth):
    await auth.login()
    response = await client.put("/api/books/1", json={"year": 1980, "summary": "Time travel."})
    assert response.status_code == 200
    data = await response.get_json()
    assert (data["title"], data["year"], data["summary"]) == ("Kindred", 1980, "Time travel.")


async def test_api_update_someone_elses_book(client, auth):
    await auth.login()
    assert (await client.put("/api/books/3", json={"year": 2000})).status_code == 403


async def test_api_delete_book(client, auth):
    await auth.login("grace", "hopper")
    response = await client.delete("/api/books/3")
    assert response.status_code == 204
    assert await response.get_data() == b""
    assert (await client.get("/api/books/3")).status_code == 404


async def test_api_method_not_allowed(client):
    response = await client.delete("/api/books")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


async def test_api_search_args_and_headers(client):
    response = await client.get("/api/search", query_string={"q": "butler", "limit": "1"})
    assert response.status_code == 200
    assert response.headers["X-Result-Count"] == "1"
    assert response.headers["Cache-Control"] == "no-store"
    data = await response.get_json()
    assert data["query"] == "butler"
    assert [b["title"] for b in data["results"]] == ["Kindred"]


async def test_api_search_requires_term(client):
    response = await client.get("/api/search?q=")
    assert response.status_code == 400
    assert "?q=" in (await response.get_json())["message"]


async def test_api_reviews_list_and_submit(client, auth):
    listing = await (await client.get("/api/books/1/reviews")).get_json()
    assert [r["rating"] for r in listing] == [5, 4]

    assert (await client.post("/api/books/3/reviews", json={"rating": 4})).status_code == 401

    await auth.login()
    response = await client.post("/api/books/3/reviews", json={"rating": 4, "body": "Lovely."})
    assert response.status_code == 201
    data = await response.get_json()
    assert data["book_id"] == 3
    assert data["average_rating"] == 4
    listing = await (await client.get("/api/books/3/reviews")).get_json()
    assert listing[0]["body"] == "Lovely."


@pytest.mark.parametrize("payload", [{"rating": 0}, {"rating": "5"}, {}, "five"])
async def test_api_review_validation(client, auth, payload):
    await auth.login()
    response = await client.post("/api/books/1/reviews", json=payload)
    assert response.status_code == 400


async def test_api_reviews_for_missing_book(client, auth):
    assert (await client.get("/api/books/99/reviews")).status_code == 404
    await auth.login()
    response = await client.post("/api/books/99/reviews", json={"rating": 3})
    assert response.status_code == 404


async def test_cover_upload_and_download(app, client, auth):
    assert (await client.get("/api/books/1/cover")).status_code == 404

    await auth.login()
    response = await client.post(
        "/api/books/1/cover",
        files={"cover": FileStorage(io.BytesIO(PNG), filename="my cover.PNG")},
    )
    assert response.status_code == 201, await text_of(response)
    assert await response.get_json() == {"cover_url": "/api/books/1/cover"}
    saved = os.path.join(app.config["COVER_FOLDER"], "book-1.png")
    with open(saved, "rb") as f:  # the save was awaited, so the bytes are on disk
        assert f.read() == PNG

    response = await client.get("/api/books/1/cover")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert await response.get_data() == PNG
    assert b'src="/api/books/1/cover"' in await (await client.get("/books/1")).get_data()


async def test_cover_upload_rejections(client, auth):
    await auth.login()
    response = await client.post(
        "/api/books/1/cover",
        files={"cover": FileStorage(io.BytesIO(b"MZ"), filename="virus.exe")},
    )
    assert response.status_code == 415
    # No file part at all.
    response = await client.post("/api/books/1/cover", form={"note": "no file"})
    assert response.status_code == 400
    # Someone else's book.
    response = await client.post(
        "/api/books/3/cover",
        files={"cover": FileStorage(io.BytesIO(b"x"), filename="c.png")},
    )
    assert response.status_code == 403


async def test_export_json_download(client):
    response = await client.get("/api/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == "attachment; filename=bookshelf.json"
    document = json.loads(await response.get_data())
    assert document["site"] == "Bookshelf"
    assert len(document["books"]) == 3


async def test_export_csv_streams_rows(client):
    response = await client.get("/api/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=bookshelf.csv"
    rows = list(csv.reader(io.StringIO(await text_of(response))))
    assert rows[0][:3] == ["id", "title", "author"]
    assert rows[1] == ["1", "Kindred", "Octavia E. Butler", "1979", "ada", "4.5", "2"]
    assert len(rows) == 4


async def test_export_csv_options(client):
    response = await client.get(
        "/api/export.csv", query_string={"sep": ";", "author": "Emily St. John Mandel"}
    )
    lines = (await text_of(response)).splitlines()
    assert lines[0].startswith("id;title;author")
    assert lines[1:] == ["3;Station Eleven;Emily St. John Mandel;2014;grace;;0"]

    assert (await client.get("/api/export.csv?sep=::")).status_code == 400
