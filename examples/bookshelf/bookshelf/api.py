"""JSON API mounted at /api, plus cover images and exports."""

import csv
import io
import json
import os

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    request,
    send_file,
    send_from_directory,
    stream_with_context,
    url_for,
)
from flask.views import MethodView
from werkzeug.exceptions import HTTPException
from werkzeug.utils import secure_filename

from .books import BOOK_QUERY, get_book
from .db import get_db

bp = Blueprint("api", __name__, url_prefix="/api")

CSV_COLUMNS = ["id", "title", "author", "year", "owner", "average_rating", "reviews"]


def book_to_dict(row):
    avg = row["avg_rating"]
    return {
        "id": row["id"],
        "title": row["title"],
        "author": row["author"],
        "year": row["year"],
        "summary": row["summary"],
        "owner": row["owner"],
        "average_rating": round(avg, 2) if avg is not None else None,
        "review_count": row["review_count"],
        "has_cover": row["cover_filename"] is not None,
    }


def require_reader():
    """API calls use the same session cookie as the site; no cookie means 401."""
    if g.user is None:
        abort(401, "Log in to use this endpoint.")
    return g.user


def parse_book_json(partial=False):
    """Validate a JSON book payload. With ``partial`` only the given keys are checked."""
    payload = request.get_json()
    if not isinstance(payload, dict):
        abort(400, "Expected a JSON object.")

    fields = {}
    for key in ("title", "author"):
        if key in payload:
            value = payload[key]
            if not isinstance(value, str) or not value.strip():
                abort(400, f"{key!r} must be a non-empty string.")
            fields[key] = value.strip()
        elif not partial:
            abort(400, f"{key!r} is required.")
    if "year" in payload:
        if payload["year"] is not None and not isinstance(payload["year"], int):
            abort(400, "'year' must be an integer or null.")
        fields["year"] = payload["year"]
    if "summary" in payload:
        fields["summary"] = str(payload["summary"])
    return fields


@bp.errorhandler(HTTPException)
def api_error(error):
    """Every error under /api is answered in JSON, never with an HTML page."""
    return jsonify(error=error.name, message=error.description), error.code


class BookAPI(MethodView):
    """``/api/books`` (list, create) and ``/api/books/<id>`` (read, update, delete)."""

    init_every_request = False

    def get(self, book_id=None):
        if book_id is None:
            rows = get_db().execute(BOOK_QUERY + " ORDER BY b.id").fetchall()
            return jsonify([book_to_dict(row) for row in rows])
        return jsonify(book_to_dict(get_book(book_id, check_owner=False)))

    def post(self):
        reader = require_reader()
        fields = parse_book_json()
        fields.setdefault("year", None)
        fields.setdefault("summary", "")
        db = get_db()
        cur = db.execute(
            "INSERT INTO book (owner_id, title, author, year, summary)"
            " VALUES (:owner_id, :title, :author, :year, :summary)",
            {"owner_id": reader["id"], **fields},
        )
        db.commit()
        book = get_book(cur.lastrowid, check_owner=False)
        # Both URLs share the "api.book" endpoint; during a POST, url_for would
        # pick the POST-only "/books" rule unless told to build the GET one.
        location = url_for("api.book", book_id=book["id"], _method="GET")
        return jsonify(book_to_dict(book)), 201, {"Location": location}

    def put(self, book_id):
        require_reader()
        get_book(book_id)
        fields = parse_book_json(partial=True)
        if fields:
            assignments = ", ".join(f"{name} = :{name}" for name in fields)
            db = get_db()
            db.execute(f"UPDATE book SET {assignments} WHERE id = :id", {"id": book_id, **fields})
            db.commit()
        return jsonify(book_to_dict(get_book(book_id, check_owner=False)))

    def delete(self, book_id):
        require_reader()
        get_book(book_id)
        db = get_db()
        db.execute("DELETE FROM book WHERE id = ?", (book_id,))
        db.commit()
        return "", 204


book_view = BookAPI.as_view("book")
bp.add_url_rule("/books", view_func=book_view, methods=["GET", "POST"])
bp.add_url_rule("/books/<int:book_id>", view_func=book_view, methods=["GET", "PUT", "DELETE"])


@bp.route("/search")
def search():
    term = request.args.get("q", "").strip()
    limit = request.args.get("limit", 10, type=int)
    if not term:
        abort(400, "Add a search term with ?q=...")
    like = f"%{term}%"
    rows = get_db().execute(
        BOOK_QUERY + " WHERE b.title LIKE ? OR b.author LIKE ? ORDER BY b.title LIMIT ?",
        (like, like, max(1, min(limit, 50))),
    ).fetchall()
    response = make_response(jsonify(query=term, results=[book_to_dict(r) for r in rows]))
    response.headers["X-Result-Count"] = str(len(rows))
    response.headers["Cache-Control"] = "no-store"
    return response


class ReviewService:
    """Reviews as the API sees them."""

    def __init__(self):
        self.db = get_db()

    def list_for(self, book_id):
        rows = self.db.execute(
            "SELECT v.id, v.rating, v.body, r.username FROM review v"
            " JOIN reader r ON r.id = v.reader_id WHERE v.book_id = ? ORDER BY v.id",
            (book_id,),
        ).fetchall()
        return [dict(row) for row in rows]

    def add_from_request(self, book_id):
        """Store the review in the request body and return its id."""
        payload = request.get_json()
        if not isinstance(payload, dict):
            abort(400, "Expected a JSON object.")
        rating = payload.get("rating")
        if not isinstance(rating, int) or not 1 <= rating <= 5:
            abort(400, "'rating' must be an integer from 1 to 5.")
        cur = self.db.execute(
            "INSERT INTO review (book_id, reader_id, rating, body) VALUES (?, ?, ?, ?)",
            (book_id, g.user["id"], rating, str(payload.get("body", ""))),
        )
        self.db.commit()
        return cur.lastrowid

    def submit(self, book_id):
        get_book(book_id, check_owner=False)
        review_id = self.add_from_request(book_id)
        average = self.db.execute(
            "SELECT AVG(rating) FROM review WHERE book_id = ?", (book_id,)
        ).fetchone()[0]
        return {"id": review_id, "book_id": book_id, "average_rating": round(average, 2)}


@bp.route("/books/<int:book_id>/reviews", methods=["GET", "POST"])
def reviews(book_id):
    if request.method == "POST":
        require_reader()
        return jsonify(ReviewService().submit(book_id)), 201
    get_book(book_id, check_owner=False)
    return jsonify(ReviewService().list_for(book_id))


def allowed_cover(filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return ext in current_app.config["ALLOWED_COVER_EXTENSIONS"]


@bp.post("/books/<int:book_id>/cover")
def upload_cover(book_id):
    require_reader()
    get_book(book_id)
    file = request.files["cover"]
    if not file.filename or not allowed_cover(file.filename):
        abort(415, "Covers must be PNG, JPEG, GIF or WebP images.")

    folder = current_app.config["COVER_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    ext = file.filename.rsplit(".", 1)[-1].lower()
    filename = secure_filename(f"book-{book_id}.{ext}")
    file.save(os.path.join(folder, filename))

    db = get_db()
    db.execute("UPDATE book SET cover_filename = ? WHERE id = ?", (filename, book_id))
    db.commit()
    return jsonify(cover_url=url_for("api.cover", book_id=book_id)), 201


@bp.get("/books/<int:book_id>/cover")
def cover(book_id):
    book = get_book(book_id, check_owner=False)
    if not book["cover_filename"]:
        abort(404, "This book has no cover yet.")
    return send_from_directory(current_app.config["COVER_FOLDER"], book["cover_filename"])


@bp.get("/export.json")
def export_json():
    """The whole shelf as a downloadable JSON file."""
    rows = get_db().execute(BOOK_QUERY + " ORDER BY b.id").fetchall()
    document = {"site": current_app.config["SITE_NAME"], "books": [book_to_dict(r) for r in rows]}
    data = json.dumps(document, indent=2).encode("utf-8")
    return send_file(
        io.BytesIO(data),
        mimetype="application/json",
        as_attachment=True,
        download_name="bookshelf.json",
    )


def _drain(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate(0)
    return text


@bp.get("/export.csv")
def export_csv():
    """Stream the shelf as CSV, one row at a time. ``?sep=;`` picks the delimiter."""
    sep = request.args.get("sep", ",")
    if len(sep) != 1:
        abort(400, "'sep' must be a single character.")

    def generate():
        # Runs after the view has returned, so it needs stream_with_context
        # to keep using request.args and the per-request database connection.
        author = request.args.get("author")
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=sep)
        writer.writerow(CSV_COLUMNS)
        yield _drain(buffer)

        sql, params = BOOK_QUERY, ()
        if author:
            sql, params = sql + " WHERE b.author = ?", (author,)
        for row in get_db().execute(sql + " ORDER BY b.id", params):
            book = book_to_dict(row)
            writer.writerow(
                [book["id"], book["title"], book["author"], book["year"] or "",
                 book["owner"], book["average_rating"] or "", book["review_count"]]
            )
            yield _drain(buffer)

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=bookshelf.csv"},
    )
