import csv
import io
import json
import os

import pytest


def test_list_books(client):
    response = client.get("/api/books")
    assert response.status_code == 200
    books = response.get_json()
    assert [b["title"] for b in books] == ["Kindred", "Parable of the Sower", "Station Eleven"]
    assert books[0]["average_rating"] == 4.5
    assert books[0]["review_count"] == 2


def test_get_book(client):
    response = client.get("/api/books/3")
    assert response.json["owner"] == "grace"
    assert response.json["average_rating"] is None


def test_get_missing_book_is_json_404(client):
    response = client.get("/api/books/42")
    assert response.status_code == 404
    assert response.json == {"error": "Not Found", "message": "There is no book with id 42."}


def test_create_requires_login(client):
    response = client.post("/api/books", json={"title": "X", "author": "Y"})
    assert response.status_code == 401
    assert response.json["error"] == "Unauthorized"


def test_create_book(client, auth):
    auth.login()
    response = client.post(
        "/api/books", json={"title": "Lilith's Brood", "author": "Octavia E. Butler"}
    )
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/books/4"
    assert response.json["title"] == "Lilith's Brood"
    assert response.json["owner"] == "ada"
    assert client.get("/api/books/4").json["year"] is None


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (["not", "an", "object"], "Expected a JSON object."),
        ({"title": "No author"}, "'author' is required."),
        ({"title": "   ", "author": "A"}, "'title' must be a non-empty string."),
        ({"title": "T", "author": "A", "year": "1999"}, "'year' must be an integer or null."),
    ],
)
def test_create_book_validation(client, auth, payload, message):
    auth.login()
    response = client.post("/api/books", json=payload)
    assert response.status_code == 400
    assert response.json["message"] == message


def test_update_book(client, auth):
    auth.login()
    response = client.put("/api/books/1", json={"year": 1980, "summary": "Time travel."})
    assert response.status_code == 200
    data = response.get_json()
    assert (data["title"], data["year"], data["summary"]) == ("Kindred", 1980, "Time travel.")


def test_update_someone_elses_book(client, auth):
    auth.login()
    assert client.put("/api/books/3", json={"year": 2000}).status_code == 403


def test_delete_book(client, auth):
    auth.login("grace", "hopper")
    response = client.delete("/api/books/3")
    assert response.status_code == 204
    assert response.data == b""
    assert client.get("/api/books/3").status_code == 404


def test_method_not_allowed(client):
    response = client.delete("/api/books")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_search_uses_query_args_and_sets_headers(client):
    response = client.get("/api/search", query_string={"q": "butler", "limit": "1"})
    assert response.status_code == 200
    assert response.headers["X-Result-Count"] == "1"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json["query"] == "butler"
    assert [b["title"] for b in response.json["results"]] == ["Kindred"]


def test_search_requires_a_term(client):
    response = client.get("/api/search?q=")
    assert response.status_code == 400
    assert "?q=" in response.json["message"]


def test_reviews_list_and_submit(client, auth):
    assert [r["rating"] for r in client.get("/api/books/1/reviews").json] == [5, 4]

    assert client.post("/api/books/3/reviews", json={"rating": 4}).status_code == 401

    auth.login()
    response = client.post("/api/books/3/reviews", json={"rating": 4, "body": "Lovely."})
    assert response.status_code == 201
    assert response.json["book_id"] == 3
    assert response.json["average_rating"] == 4
    assert client.get("/api/books/3/reviews").json[0]["body"] == "Lovely."


@pytest.mark.parametrize("payload", [{"rating": 0}, {"rating": "5"}, {}, "five"])
def test_review_validation(client, auth, payload):
    auth.login()
    response = client.post("/api/books/1/reviews", json=payload)
    assert response.status_code == 400


def test_reviews_for_missing_book(client, auth):
    assert client.get("/api/books/99/reviews").status_code == 404
    auth.login()
    assert client.post("/api/books/99/reviews", json={"rating": 3}).status_code == 404


def test_cover_upload_and_download(client, auth, app):
    png = b"\x89PNG\r\n\x1a\nfake image bytes"
    assert client.get("/api/books/1/cover").status_code == 404

    auth.login()
    response = client.post(
        "/api/books/1/cover",
        data={"cover": (io.BytesIO(png), "my cover.PNG")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    assert response.json == {"cover_url": "/api/books/1/cover"}
    assert os.path.exists(os.path.join(app.config["COVER_FOLDER"], "book-1.png"))

    # send_from_directory hands back an open file; the with block closes it.
    with client.get("/api/books/1/cover") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/png"
        assert response.data == png
    assert b'src="/api/books/1/cover"' in client.get("/books/1").data


def test_cover_upload_rejections(client, auth):
    auth.login()
    response = client.post(
        "/api/books/1/cover",
        data={"cover": (io.BytesIO(b"MZ"), "virus.exe")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 415
    # No file part at all.
    response = client.post("/api/books/1/cover", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    # Someone else's book.
    response = client.post(
        "/api/books/3/cover",
        data={"cover": (io.BytesIO(b"x"), "c.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403


def test_export_json_download(client):
    response = client.get("/api/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == "attachment; filename=bookshelf.json"
    document = json.loads(response.data)
    assert document["site"] == "Bookshelf"
    assert len(document["books"]) == 3


def test_export_csv_streams_rows(client):
    response = client.get("/api/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=bookshelf.csv"
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows[0][:3] == ["id", "title", "author"]
    assert rows[1] == ["1", "Kindred", "Octavia E. Butler", "1979", "ada", "4.5", "2"]
    assert len(rows) == 4


def test_export_csv_options(client):
    response = client.get("/api/export.csv?sep=;&author=Emily St. John Mandel")
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("id;title;author")
    assert lines[1:] == ["3;Station Eleven;Emily St. John Mandel;2014;grace;;0"]

    assert client.get("/api/export.csv?sep=::").status_code == 400
