"""The HTML side of the shelf: browse, add, edit, remove and review books."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from .auth import login_required
from .db import get_db

bp = Blueprint("books", __name__)

BOOK_QUERY = """
    SELECT b.id, b.owner_id, b.title, b.author, b.year, b.summary, b.cover_filename,
           b.added, r.username AS owner,
           (SELECT AVG(rating) FROM review WHERE book_id = b.id) AS avg_rating,
           (SELECT COUNT(*) FROM review WHERE book_id = b.id) AS review_count
    FROM book b JOIN reader r ON r.id = b.owner_id
"""


class BookFormError(ValueError):
    """Raised when submitted book data cannot be saved."""


def get_book(book_id, check_owner=True):
    """Load a book or abort: 404 if it does not exist, 403 if it is not ours."""
    book = get_db().execute(BOOK_QUERY + " WHERE b.id = ?", (book_id,)).fetchone()
    if book is None:
        abort(404, f"There is no book with id {book_id}.")
    if check_owner and (g.user is None or book["owner_id"] != g.user["id"]):
        abort(403)
    return book


def read_book_form():
    """Pull and validate the book fields from the submitted form."""
    form = request.form
    title = form.get("title", "").strip()
    author = form.get("author", "").strip()
    year = form.get("year", "").strip()
    if not title or not author:
        raise BookFormError("Title and author are both required.")
    if year and not (year.isdigit() and 0 < int(year) <= 2100):
        raise BookFormError(f"{year!r} does not look like a year.")
    return {
        "title": title,
        "author": author,
        "year": int(year) if year else None,
        "summary": form.get("summary", "").strip(),
    }


def save_book_from_form(book_id=None):
    """Insert (or, given ``book_id``, update) a book from the request. Returns its id."""
    fields = read_book_form()
    db = get_db()
    if book_id is None:
        cur = db.execute(
            "INSERT INTO book (owner_id, title, author, year, summary)"
            " VALUES (:owner_id, :title, :author, :year, :summary)",
            {"owner_id": g.user["id"], **fields},
        )
        book_id = cur.lastrowid
    else:
        db.execute(
            "UPDATE book SET title = :title, author = :author, year = :year,"
            " summary = :summary WHERE id = :id",
            {"id": book_id, **fields},
        )
    db.commit()
    return book_id


def read_review_form():
    form = request.form
    try:
        rating = int(form["rating"])
    except (KeyError, ValueError):
        raise BookFormError("Choose a rating from 1 to 5.") from None
    if not 1 <= rating <= 5:
        raise BookFormError("Choose a rating from 1 to 5.")
    return rating, form.get("body", "").strip()


@bp.app_template_filter("stars")
def stars(rating):
    """Render an average rating as five stars, e.g. 3.6 -> '★★★★☆'."""
    if rating is None:
        return "not yet rated"
    filled = int(rating + 0.5)
    return "★" * filled + "☆" * (5 - filled)


@bp.errorhandler(404)
def book_not_found(error):
    return render_template("books/not_found.html", message=error.description), 404


@bp.route("/")
def index():
    author = request.args.get("author")
    sql, params = BOOK_QUERY, ()
    if author:
        sql += " WHERE b.author = ?"
        params = (author,)
    sql += " ORDER BY b.added DESC, b.id DESC LIMIT ?"
    rows = get_db().execute(sql, (*params, current_app.config["BOOKS_PER_PAGE"])).fetchall()
    return render_template("books/index.html", books=rows, author=author)


@bp.route("/books/<int:book_id>")
def detail(book_id):
    book = get_book(book_id, check_owner=False)
    reviews = get_db().execute(
        "SELECT v.rating, v.body, v.written, r.username FROM review v"
        " JOIN reader r ON r.id = v.reader_id WHERE v.book_id = ? ORDER BY v.id",
        (book_id,),
    ).fetchall()
    return render_template("books/detail.html", book=book, reviews=reviews)


@bp.route("/books/new", methods=("GET", "POST"))
@login_required
def create():
    if request.method == "POST":
        try:
            book_id = save_book_from_form()
        except BookFormError as exc:
            flash(str(exc), "error")
        else:
            flash("Book added to the shelf.", "success")
            return redirect(url_for("books.detail", book_id=book_id))
    # On a failed POST the form is shown again with what was typed.
    return render_template("books/form.html", book=None, values=request.form)


@bp.route("/books/<int:book_id>/edit", methods=("GET", "POST"))
@login_required
def edit(book_id):
    book = get_book(book_id)
    if request.method == "POST":
        try:
            save_book_from_form(book_id)
        except BookFormError as exc:
            flash(str(exc), "error")
        else:
            flash("Changes saved.", "success")
            return redirect(url_for("books.detail", book_id=book_id))
    return render_template("books/form.html", book=book, values=request.form)


@bp.route("/books/<int:book_id>/delete", methods=("POST",))
@login_required
def delete(book_id):
    book = get_book(book_id)
    db = get_db()
    db.execute("DELETE FROM book WHERE id = ?", (book_id,))
    db.commit()
    flash(f"Removed {book['title']!r} from the shelf.", "info")
    return redirect(url_for("books.index"))


@bp.route("/books/<int:book_id>/review", methods=("POST",))
@login_required
def review(book_id):
    get_book(book_id, check_owner=False)
    try:
        rating, body = read_review_form()
    except BookFormError as exc:
        flash(str(exc), "error")
    else:
        db = get_db()
        db.execute(
            "INSERT INTO review (book_id, reader_id, rating, body) VALUES (?, ?, ?, ?)",
            (book_id, g.user["id"], rating, body),
        )
        db.commit()
        flash("Thanks for the review!", "success")
    return redirect(url_for("books.detail", book_id=book_id))
