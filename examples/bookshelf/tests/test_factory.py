from bookshelf import create_app


def test_config_defaults_and_overrides(tmp_path):
    assert not create_app({"DATABASE": str(tmp_path / "a.sqlite")}).testing
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "b.sqlite")})
    assert app.testing
    assert app.config["SITE_NAME"] == "Bookshelf"


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "books": 3}


def test_upload_limit_on_html_routes(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post("/auth/register", data={"username": "x" * 500, "password": "secret"})
    assert response.status_code == 413
    assert response.json["error"] == "too large"
