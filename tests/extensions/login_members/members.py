from flask import Flask, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user

USERS = {"ada": "lovelace", "alan": "turing"}


class Member(UserMixin):
    def __init__(self, name):
        self.id = name


login_manager = LoginManager()
login_manager.login_view = "sign_in"
login_manager.login_message = "Members only."


@login_manager.user_loader
def load_member(name):
    return Member(name) if name in USERS else None


def create_app():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "not secret"
    login_manager.init_app(app)

    @app.route("/sign-in", methods=["GET", "POST"])
    def sign_in():
        if request.method == "POST":
            name = request.form["name"]
            if USERS.get(name) == request.form["password"]:
                login_user(Member(name), remember=request.form.get("remember") == "y")
                return redirect(request.args.get("next") or url_for("lounge"))
            return "wrong password", 401
        return "please sign in"

    @app.route("/sign-out")
    @login_required
    def sign_out():
        logout_user()
        return "bye"

    @app.route("/lounge")
    @login_required
    def lounge():
        return f"welcome {current_user.id}"

    @app.route("/whoami")
    def whoami():
        if current_user.is_authenticated:
            return current_user.id
        return "anonymous"

    return app
