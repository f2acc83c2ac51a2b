"""Bookshelf: a shared shelf of books that readers can add and review."""

import os

from flask import Flask, jsonify


def create_app(test_config=None):
    """Application factory.

    ``test_config`` overrides the defaults and anything in ``instance/config.py``.
    """
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY="change-me",
        DATABASE=os.path.join(app.instance_path, "bookshelf.sqlite"),
        COVER_FOLDER=os.path.join(app.instance_path, "covers"),
        ALLOWED_COVER_EXTENSIONS={"png", "jpg", "jpeg", "gif", "webp"},
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,  # covers are small; refuse anything bigger
        SITE_NAME="Bookshelf",
        BOOKS_PER_PAGE=20,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)

    # The database may live outside the instance folder (the tests use a temp dir).
    os.makedirs(os.path.dirname(os.path.abspath(app.config["DATABASE"])), exist_ok=True)

    from . import api, auth, books, db

    db.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(books.bp)
    app.register_blueprint(api.bp)

    @app.context_processor
    def inject_site_name():
        return {"site_name": app.config["SITE_NAME"]}

    @app.errorhandler(413)
    def upload_too_large(error):
        return jsonify(error="too large", limit=app.config["MAX_CONTENT_LENGTH"]), 413

    @app.route("/healthz")
    def healthz():
        count = db.get_db().execute("SELECT COUNT(*) FROM book").fetchone()[0]
        return {"status": "ok", "books": count}

    return app
