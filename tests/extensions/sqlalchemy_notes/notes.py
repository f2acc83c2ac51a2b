from flask import Flask, abort, jsonify, request
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    text = db.Column(db.String(200), nullable=False)


def create_app(uri="sqlite://"):
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    db.init_app(app)

    @app.route("/notes", methods=["POST"])
    def add_note():
        note = Note(text=request.get_json()["text"])
        db.session.add(note)
        db.session.commit()
        return jsonify(id=note.id), 201

    @app.route("/notes")
    def list_notes():
        page = db.paginate(db.select(Note).order_by(Note.id), per_page=2)
        return jsonify(texts=[n.text for n in page.items], pages=page.pages)

    @app.route("/notes/<int:note_id>")
    def one_note(note_id):
        note = db.session.get(Note, note_id)
        if note is None:
            abort(404)
        return jsonify(text=note.text)

    return app
