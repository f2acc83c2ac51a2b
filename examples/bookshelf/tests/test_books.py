import pytest

from bookshelf.books import BookFormError, read_book_form
from bookshelf.db import get_db


def test_index_lists_books(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Kindred" in response.data
    assert b"Station Eleven" in response.data
    assert b"Log in" in response.data


def test_index_filters_by_author(client):
    response = client.get("/", query_string={"author": "Emily St. John Mandel"})
    assert b"Station Eleven" in response.data
    assert b"Kindred" not in response.data


def test_stars_filter(app, client):
    stars = app.jinja_env.filters["stars"]
    assert stars(None) == "not yet rated"
    assert stars(4.5) == "★★★★★"
    assert stars(2.2) == "★★☆☆☆"
    # Book 1 has ratings 5 and 4, so it shows five stars; book 3 has none.
    assert "★★★★★" in client.get("/books/1").text
    assert "not yet rated" in client.get("/books/3").text


def test_detail_shows_reviews(client):
    response = client.get("/books/1")
    assert response.status_code == 200
    assert b"Unforgettable." in response.data
    assert b"2 reviews" in response.data


def test_missing_book_uses_blueprint_404(client):
    response = client.get("/books/99")
    assert response.status_code == 404
    assert b"Not on the shelf" in response.data
    assert b"There is no book with id 99." in response.data


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
def test_login_required(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next={path}"


def test_only_owner_may_edit_or_delete(client, auth):
    auth.login("grace", "hopper")
    assert client.get("/books/1/edit").status_code == 403
    assert client.post("/books/1/delete").status_code == 403
    assert client.get("/books/3/edit").status_code == 200


def test_create_book(client, auth, app):
    auth.login()
    assert client.get("/books/new").status_code == 200
    response = client.post(
        "/books/new",
        data={"title": "Dawn", "author": "Octavia E. Butler", "year": "1987", "summary": ""},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/books/4"
    with app.app_context():
        book = get_db().execute("SELECT * FROM book WHERE id = 4").fetchone()
    assert (book["title"], book["year"], book["owner_id"]) == ("Dawn", 1987, 1)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"title": "", "author": "Someone"}, "Title and author are both required."),
        ({"title": "Dawn", "author": "Butler", "year": "soon"}, "does not look like a year"),
    ],
)
def test_create_book_validation(client, auth, form, message):
    auth.login()
    response = client.post("/books/new", data=form)
    assert response.status_code == 200
    assert message in response.text
    # What was typed is kept in the form.
    assert f'value="{form["author"]}"' in response.text


def test_edit_book(client, auth, app):
    auth.login()
    page = client.get("/books/1/edit")
    assert b'value="Kindred"' in page.data
    response = client.post(
        "/books/1/edit",
        data={"title": "Kindred (anniversary ed.)", "author": "Octavia E. Butler", "year": ""},
        follow_redirects=True,
    )
    assert b"Changes saved." in response.data
    with app.app_context():
        book = get_db().execute("SELECT title, year FROM book WHERE id = 1").fetchone()
    assert tuple(book) == ("Kindred (anniversary ed.)", None)


def test_delete_book(client, auth, app):
    auth.login()
    response = client.post("/books/2/delete")
    assert response.headers["Location"] == "/"
    with app.app_context():
        assert get_db().execute("SELECT * FROM book WHERE id = 2").fetchone() is None
    assert client.get("/books/2").status_code == 404


def test_review_form(client, auth):
    auth.login("grace", "hopper")
    response = client.post(
        "/books/3/review", data={"rating": "3", "body": "Hopeful."}, follow_redirects=True
    )
    assert b"Thanks for the review!" in response.data
    assert b"Hopeful." in response.data

    response = client.post("/books/3/review", data={"rating": "9"}, follow_redirects=True)
    assert b"Choose a rating from 1 to 5." in response.data


def test_read_book_form_in_request_context(app):
    with app.test_request_context(
        "/books/new", method="POST", data={"title": " Wild Seed ", "author": "Butler", "year": "1980"}
    ):
        assert read_book_form() == {
            "title": "Wild Seed",
            "author": "Butler",
            "year": 1980,
            "summary": "",
        }

    with app.test_request_context("/books/new", method="POST", data={"title": "No author"}):
        with pytest.raises(BookFormError):
            read_book_form()
