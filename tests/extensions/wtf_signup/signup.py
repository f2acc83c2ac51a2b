from flask import Flask, flash, get_flashed_messages, redirect, render_template_string, url_for
from flask_wtf import CSRFProtect, FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Regexp

csrf = CSRFProtect()
SIGNED_UP = []

PAGE = """{% for m in get_flashed_messages() %}<p>{{ m }}</p>{% endfor %}
<form method="post">{{ form.hidden_tag() }}{{ form.name() }}{{ form.email() }}</form>
{% for field, errors in form.errors.items() %}<em>{{ field }}: {{ errors|join(', ') }}</em>{% endfor %}"""


class SignupForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=20)])
    email = EmailField("Email", validators=[DataRequired(), Regexp(r"[^@]+@[^@]+\.\w+$", message="Not an email address.")])


def create_app(csrf_enabled=True):
    app = Flask(__name__)
    app.config.update(SECRET_KEY="dev", WTF_CSRF_ENABLED=csrf_enabled)
    csrf.init_app(app)

    @app.route("/", methods=["GET", "POST"])
    def signup():
        form = SignupForm()
        if form.validate_on_submit():
            SIGNED_UP.append(form.name.data)
            flash(f"thanks {form.name.data}")
            return redirect(url_for("signup"))
        return render_template_string(PAGE, form=form)

    return app
