"""Flask-WTF on flagon: ``FlaskForm`` with its CSRF field, file uploads with ``FileField``, and
``CSRFProtect`` for views without a form class, as in Flask-WTF's quick-start."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from flask import Blueprint, Flask, jsonify, redirect, render_template_string, request, url_for
from flask_wtf import CSRFProtect, FlaskForm
from flask_wtf.csrf import CSRFError
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import BadRequest
from werkzeug.utils import secure_filename
from wtforms import StringField
from wtforms.validators import DataRequired

import flagon

FORM_PAGE = """
<form method="POST" action="{{ url_for(endpoint) }}" enctype="multipart/form-data">
  {{ form.csrf_token }}
  {% for field in form if field.name != "csrf_token" %}{{ field.label }} {{ field() }}
  {% endfor %}
  {% for name, errors in form.errors.items() %}{% for error in errors %}
  <p class="error">{{ name }}: {{ error }}</p>{% endfor %}{% endfor %}
  <input type="submit" value="Go">
</form>
"""


class MyForm(FlaskForm):
    name = StringField("name", validators=[DataRequired()])


class PhotoForm(FlaskForm):
    photo = FileField(
        validators=[
            FileRequired(),
            FileAllowed(["jpg", "png"], "Images only!"),
            FileSize(max_size=1_500_000, message="Too big!"),
        ]
    )


def token_in(html: str) -> str:
    match = re.search(
        r'<input id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)">', html
    )
    assert match, html
    return match.group(1)


@pytest.fixture
def app():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="a secret", TESTING=True)
    uploads: list[tuple[str, bytes]] = []
    app.extensions["uploads"] = uploads

    @app.route("/submit", methods=["GET", "POST"])
    def submit():
        form = MyForm()
        if form.validate_on_submit():
            return redirect(url_for("success", name=form.name.data))
        return render_template_string(FORM_PAGE, form=form, endpoint="submit")

    @app.route("/success")
    def success():
        return f"Hello, {request.args['name']}!"

    @app.route("/upload", methods=["GET", "POST"])
    def upload():
        form = PhotoForm()
        if form.validate_on_submit():
            f = form.photo.data
            assert isinstance(f, FileStorage)
            uploads.append((secure_filename(f.filename), f.read()))
            return redirect(url_for("success", name=f.filename))
        return render_template_string(FORM_PAGE, form=form, endpoint="upload")

    @app.errorhandler(CSRFError)
    def handle_csrf_error(e):
        assert isinstance(e, BadRequest)
        return render_template_string("<h1>CSRF</h1><p>{{ reason }}</p>", reason=e.description), 400

    return app


def test_get_renders_the_form_with_a_signed_token_tied_to_the_session(app):
    client = app.test_client()
    response = client.get("/submit")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    token = token_in(html)
    assert '<input id="name" name="name" required type="text" value="">' in html
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    assert len(raw) == 40
    # The next page signs the same raw token again: the signed payloads are the same.
    again = token_in(client.get("/submit").get_data(as_text=True))
    assert again.split(".")[0] == token.split(".")[0]


def test_form_posted_without_token_is_invalid_and_shown_again(app):
    client = app.test_client()
    client.get("/submit")
    response = client.post("/submit", data={"name": "ada"})
    # FlaskForm alone doesn't raise CSRFError: the form is invalid and is shown again with errors.
    assert response.status_code == 200
    assert "csrf_token: The CSRF token is missing." in response.get_data(as_text=True)


def test_valid_post_with_the_rendered_token_passes(app):
    client = app.test_client()
    token = token_in(client.get("/submit").get_data(as_text=True))
    response = client.post("/submit", data={"name": "ada", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/success?name=ada"
    assert client.get(response.headers["Location"]).get_data(as_text=True) == "Hello, ada!"


def test_token_from_another_session_or_tampered_is_refused(app):
    token = token_in(app.test_client().get("/submit").get_data(as_text=True))
    other = app.test_client()
    other.get("/submit")
    response = other.post("/submit", data={"name": "ada", "csrf_token": token})
    assert response.status_code == 200
    assert "The CSRF tokens do not match." in response.get_data(as_text=True)
    response = other.post("/submit", data={"name": "ada", "csrf_token": token[:-2] + "xx"})
    assert "The CSRF token is invalid." in response.get_data(as_text=True)


def test_missing_required_field_is_reported_next_to_it(app):
    client = app.test_client()
    token = token_in(client.get("/submit").get_data(as_text=True))
    response = client.post("/submit", data={"name": "", "csrf_token": token})
    assert response.status_code == 200
    assert "name: This field is required." in response.get_data(as_text=True)


def test_file_upload_accepted_with_an_allowed_extension(app):
    client = app.test_client()
    token = token_in(client.get("/upload").get_data(as_text=True))
    response = client.post(
        "/upload",
        data={"csrf_token": token, "photo": (BytesIO(b"\x89PNG\r\n\x1a\nbytes"), "../My Cat.PNG")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert app.extensions["uploads"] == [("My_Cat.PNG", b"\x89PNG\r\n\x1a\nbytes")]


def test_file_upload_with_a_wrong_extension_or_no_file_is_refused(app):
    client = app.test_client()
    token = token_in(client.get("/upload").get_data(as_text=True))
    response = client.post(
        "/upload",
        data={"csrf_token": token, "photo": (BytesIO(b"MZ..."), "virus.exe")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "photo: Images only!" in response.get_data(as_text=True)
    response = client.post(
        "/upload", data={"csrf_token": token}, content_type="multipart/form-data"
    )
    assert "photo: This field is required." in response.get_data(as_text=True)
    # An empty file part (a browser's "no file chosen") is no file either.
    response = client.post(
        "/upload",
        data={"csrf_token": token, "photo": (BytesIO(b""), "")},
        content_type="multipart/form-data",
    )
    assert "photo: This field is required." in response.get_data(as_text=True)
    assert app.extensions["uploads"] == []


def test_browser_multipart_body_is_accepted(app):
    # The body as a browser sends it, not as the test client would build it: a UTF-8 file name,
    # the part's Content-Type, binary content with CRLFs, and an empty file input.
    client = app.test_client()
    token = token_in(client.get("/upload").get_data(as_text=True))
    boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
    content = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40 + b"\r\n--not-the-boundary\r\n"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; '
            f'filename="caf\u00e9 au lait.png"\r\nContent-Type: image/png\r\n\r\n'
        ).encode()
        + content
        + (
            f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="other"; filename=""\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n\r\n--{boundary}--\r\n"
        ).encode()
    )
    response = client.post(
        "/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/success?name=caf%C3%A9+au+lait.png"
    assert app.extensions["uploads"] == [("cafe_au_lait.png", content)]


def test_file_size_is_checked_on_small_and_large_uploads(app):
    client = app.test_client()
    token = token_in(client.get("/upload").get_data(as_text=True))
    big = b"x" * 2_000_000  # large enough to be spooled rather than kept in memory
    response = client.post(
        "/upload",
        data={"csrf_token": token, "photo": (BytesIO(big), "huge.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "photo: Too big!" in response.get_data(as_text=True)
    fits = b"y" * 1_200_000
    response = client.post(
        "/upload",
        data={"csrf_token": token, "photo": (BytesIO(fits), "fits.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    # The validator put the stream back at its start: the view read the whole file.
    assert app.extensions["uploads"] == [("fits.jpg", fits)]


# -- CSRFProtect: every POST is checked, form class or not ---------------------------------------


@pytest.fixture
def protected(app):
    csrf = CSRFProtect(app)

    @app.post("/api/things")
    def create_thing():
        return jsonify(created=request.get_json()["name"]), 201

    @app.route("/plain", methods=["GET", "POST"])
    def plain():
        if request.method == "POST":
            return f"posted {request.form['x']}"
        return render_template_string(
            '<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">'
            "</form>{{ csrf_meta_tag() }}"
        )

    @app.post("/webhook")
    @csrf.exempt
    def webhook():
        return "hooked"

    return app


def test_csrfprotect_refuses_a_post_without_token_through_the_handler(protected):
    client = protected.test_client()
    response = client.post("/plain", data={"x": "1"})
    assert response.status_code == 400
    assert response.get_data(as_text=True) == "<h1>CSRF</h1><p>The CSRF token is missing.</p>"
    # JSON too, and the view never ran.
    response = client.post("/api/things", json={"name": "a"})
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.get_data(as_text=True)


def test_csrf_error_reaches_a_400_handler_as_a_bad_request(protected):
    protected.error_handler_spec[None][400].clear()
    seen = []

    @protected.errorhandler(400)
    def bad_request(e):
        seen.append(e)
        return f"bad request: {e.description}", 400

    response = protected.test_client().post("/api/things", json={"name": "a"})
    assert response.status_code == 400
    assert response.get_data(as_text=True) == "bad request: The CSRF token is missing."
    assert [type(e) for e in seen] == [CSRFError]


def test_a_blueprints_csrf_error_handler_answers_for_its_routes():
    app = Flask(__name__)
    app.secret_key = "a secret"
    CSRFProtect(app)
    api = Blueprint("api", __name__, url_prefix="/api")

    @api.errorhandler(CSRFError)
    def api_csrf_error(e):
        return jsonify(error=e.description), 400

    @api.post("/things")
    def things():
        return "created"

    @app.post("/form")
    def form():
        return "posted"

    app.register_blueprint(api)
    client = app.test_client()
    response = client.post("/api/things")
    assert response.status_code == 400
    assert response.get_json() == {"error": "The CSRF token is missing."}
    response = client.post("/form")
    assert response.status_code == 400
    assert "<title>400 Bad Request</title>" in response.get_data(as_text=True)


def test_csrfprotect_without_handler_answers_werkzeugs_400_page(protected):
    protected.error_handler_spec[None][400].clear()
    client = protected.test_client()
    client.get("/plain")
    response = client.post("/plain", data={"x": "1", "csrf_token": "nope"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "<title>400 Bad Request</title>" in body
    assert "The CSRF token is invalid." in body


def test_csrfprotect_accepts_the_token_in_the_form_or_the_x_csrftoken_header(protected):
    client = protected.test_client()
    html = client.get("/plain").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)
    assert meta == token
    assert client.post("/plain", data={"x": "1", "csrf_token": token}).get_data() == b"posted 1"
    response = client.post("/api/things", json={"name": "a"}, headers={"X-CSRFToken": token})
    assert response.status_code == 201
    assert response.get_json() == {"created": "a"}
    # A FlaskForm on a protected app is already validated by CSRFProtect.
    response = client.post("/submit", data={"name": "bob"}, headers={"X-CSRF-Token": token})
    assert response.status_code == 302


def test_csrfprotect_exempt_view_and_safe_methods(protected):
    client = protected.test_client()
    assert client.post("/webhook").get_data() == b"hooked"
    assert client.get("/plain").status_code == 200
    # An unknown URL is a 404, not a CSRF error (no endpoint, no check).
    assert client.post("/nowhere").status_code == 404


def test_csrfprotect_ssl_strict_checks_the_referrer_on_https(protected):
    client = protected.test_client()
    html = client.get("/plain", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post(
        "/plain", base_url="https://localhost", data={"x": "1", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "The referrer header is missing." in response.get_data(as_text=True)
    response = client.post(
        "/plain",
        base_url="https://localhost",
        data={"x": "1", "csrf_token": token},
        headers={"Referer": "https://evil.example/"},
    )
    assert "The referrer does not match the host." in response.get_data(as_text=True)
    response = client.post(
        "/plain",
        base_url="https://localhost",
        data={"x": "1", "csrf_token": token},
        headers={"Referer": "https://localhost/plain"},
    )
    assert response.get_data() == b"posted 1"


def test_it_is_flagon_underneath(app):
    assert isinstance(app, flagon.Flagon)
