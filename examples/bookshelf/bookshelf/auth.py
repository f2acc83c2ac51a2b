"""Reader accounts: register, log in, log out, and the login_required guard."""

import functools
import sqlite3

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.security import check_password_hash, generate_password_hash

from .db import get_db

bp = Blueprint("auth", __name__, url_prefix="/auth")

MIN_PASSWORD_LENGTH = 6


def login_required(view):
    """Send anonymous visitors to the login page, remembering where they were going."""

    @functools.wraps(view)
    def guarded(**kwargs):
        if g.user is None:
            flash("Please log in first.", "warning")
            return redirect(url_for("auth.login", next=request.path))
        return view(**kwargs)

    return guarded


@bp.before_app_request
def load_current_reader():
    reader_id = session.get("reader_id")
    g.user = None
    if reader_id is not None:
        g.user = get_db().execute(
            "SELECT id, username FROM reader WHERE id = ?", (reader_id,)
        ).fetchone()


def _safe_next(target):
    # Only follow local paths, never another host.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("books.index")


@bp.route("/register", methods=("GET", "POST"))
def register():
    if request.method == "POST":
        username = request.form["username"].strip()
        password = request.form["password"]

        problem = None
        if not username:
            problem = "Pick a username."
        elif len(password) < MIN_PASSWORD_LENGTH:
            problem = f"Passwords need at least {MIN_PASSWORD_LENGTH} characters."

        if problem is None:
            db = get_db()
            try:
                db.execute(
                    "INSERT INTO reader (username, password_hash) VALUES (?, ?)",
                    (username, generate_password_hash(password)),
                )
                db.commit()
            except sqlite3.IntegrityError:
                problem = f"The name {username!r} is taken."
            else:
                flash("Account created. You can log in now.", "success")
                return redirect(url_for("auth.login"))

        flash(problem, "error")

    return render_template("auth/register.html")


@bp.route("/login", methods=("GET", "POST"))
def login():
    if request.method == "POST":
        username = request.form["username"].strip()
        password = request.form["password"]
        reader = get_db().execute(
            "SELECT * FROM reader WHERE username = ?", (username,)
        ).fetchone()

        if reader is None or not check_password_hash(reader["password_hash"], password):
            flash("Wrong username or password.", "error")
        else:
            session.clear()
            session["reader_id"] = reader["id"]
            flash(f"Welcome back, {reader['username']}!", "success")
            return redirect(_safe_next(request.args.get("next")))

    return render_template("auth/login.html")


@bp.route("/logout", methods=("POST",))
def logout():
    session.clear()
    flash("You have been logged out.", "info")
    return redirect(url_for("books.index"))
