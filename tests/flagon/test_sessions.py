"""Sessions in signed cookies: opening lazily, saving, cookie settings, expiry, key rotation,
bad cookies, the null session, and the test client's ``session_transaction``."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from markupsafe import Markup

from flagon import Flagon, session
from flagon.json.tag import TaggedJSONSerializer
from flagon.sessions import (
    NullSession,
    SecureCookieSession,
    SecureCookieSessionInterface,
    SessionInterface,
)


@pytest.fixture
def app(app):
    app.secret_key = "test key"

    @app.route("/set/<key>/<value>")
    def set_value(key, value):
        session[key] = value
        return "set"

    @app.route("/get/<key>")
    def get_value(key):
        return repr(session.get(key))

    @app.route("/contains/<key>")
    def contains(key):
        return str(key in session)

    @app.route("/clear")
    def clear():
        session.clear()
        return "cleared"

    @app.route("/permanent")
    def make_permanent():
        session["user"] = "ada"
        session.permanent = True
        return "permanent"

    @app.route("/untouched")
    def untouched():
        return "untouched"

    return app


def signed(app, data, key=None):
    """A session cookie value for ``data``, as the app (or another key) would sign it."""
    if key is not None:
        app = Flagon("other")
        app.secret_key = key
    return SecureCookieSessionInterface().get_signing_serializer(app).dumps(data)


def session_cookie(client, name="session", path="/"):
    return client.get_cookie(name, path=path)


# -- round trips ------------------------------------------------------------------------------


def test_values_round_trip_through_the_cookie(app, client):
    response = client.get("/set/user/ada")
    assert "session=" in response.headers["Set-Cookie"]
    assert client.get("/get/user").text == "'ada'"
    assert client.get("/get/other").text == "None"


def test_python_types_round_trip_through_the_cookie(app, client):
    stamp = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    ident = uuid.uuid4()
    stored = {
        "tuple": (1, "two", [3]),
        "bytes": b"\x00\xff",
        "markup": Markup("<b>bold</b>"),
        "uuid": ident,
        "when": stamp,
        " t": "a key that looks like a tag",
    }

    @app.route("/store")
    def store():
        session.update(stored)
        return ""

    @app.route("/load")
    def load():
        loaded = {key: session[key] for key in stored}
        assert loaded == stored
        assert type(loaded["markup"]) is Markup
        return "same"

    client.get("/store")
    assert client.get("/load").text == "same"


def test_the_default_interface_is_the_signed_cookie_one():
    app = Flagon(__name__)
    assert isinstance(app.session_interface, SecureCookieSessionInterface)
    assert isinstance(app.session_interface, SessionInterface)


def test_cookies_are_signed_like_flasks_so_sessions_survive_a_port(app, client):
    client.get("/set/user/ada")
    value = session_cookie(client).value
    reader = URLSafeTimedSerializer(
        "test key",
        salt="cookie-session",
        serializer=TaggedJSONSerializer(),
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    assert reader.loads(value) == {"user": "ada"}

    # And a cookie signed that way loads here, datetimes in Flask's HTTP-date form included.
    client.set_cookie("session", reader.dumps({"user": "bob"}))
    assert client.get("/get/user").text == "'bob'"
    flask_json = URLSafeTimedSerializer(
        "test key",
        salt="cookie-session",
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    client.set_cookie(
        "session", flask_json.dumps({"seen": {" d": "Mon, 06 May 2024 07:08:09 GMT"}})
    )
    assert client.get("/get/seen").text == repr(datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC))


# -- lazy opening -----------------------------------------------------------------------------


class CountingInterface(SecureCookieSessionInterface):
    def __init__(self):
        self.opened = 0

    def open_session(self, app, request):
        self.opened += 1
        return super().open_session(app, request)


def test_a_request_that_never_touches_the_session_never_decodes_the_cookie(app, client):
    interface = app.session_interface = CountingInterface()
    client.set_cookie("session", signed(app, {"user": "eve"}, key="some other key"))
    response = client.get("/untouched")
    assert response.status_code == 200
    assert interface.opened == 0
    assert "Set-Cookie" not in response.headers  # the foreign cookie isn't deleted either
    assert "Vary" not in response.headers
    assert session_cookie(client) is not None

    assert client.get("/get/user").text == "None"  # touched: the bad signature is noticed
    assert interface.opened == 1


def test_the_session_is_opened_once_per_request(app, client):
    interface = app.session_interface = CountingInterface()

    @app.route("/many")
    def many():
        session["a"] = 1
        session["b"] = session["a"] + 1
        return str(dict(session))

    assert client.get("/many").text == "{'a': 1, 'b': 2}"
    assert interface.opened == 1


def test_a_session_first_touched_in_an_after_request_function_is_saved(app, client):
    @app.after_request
    def remember(response):
        session["visited"] = "yes"
        return response

    client.get("/untouched")
    assert client.get("/get/visited").text == "'yes'"


def test_a_session_changed_before_an_error_handler_answers_is_saved(app, client):
    @app.route("/fails")
    def fails():
        session["tried"] = "once"
        raise KeyError("boom")

    @app.errorhandler(KeyError)
    def handle(error):
        return "handled", 400

    assert client.get("/fails").status_code == 400
    assert client.get("/get/tried").text == "'once'"


# -- Vary: Cookie -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/get/user", "/contains/user", "/set/user/ada", "/clear"])
def test_a_response_varies_on_cookie_whenever_the_session_was_used(app, client, path):
    assert client.get(path).headers["Vary"] == "Cookie"


def test_reading_the_session_sets_no_cookie(app, client):
    response = client.get("/get/user")
    assert "Set-Cookie" not in response.headers


def test_cookie_is_added_to_an_existing_vary_header_once(app, client):
    @app.route("/vary/<value>")
    def vary(value):
        session.get("user")
        return "", {"Vary": value}

    assert client.get("/vary/Accept-Encoding").headers["Vary"] == "Accept-Encoding, Cookie"
    assert client.get("/vary/cookie").headers["Vary"] == "cookie"
    assert client.get("/vary/*").headers["Vary"] == "*"


# -- saving and deleting ------------------------------------------------------------------------


def test_emptying_the_session_deletes_the_cookie(app, client):
    client.get("/set/user/ada")
    response = client.get("/clear")
    header = response.headers["Set-Cookie"]
    assert header.startswith("session=;")
    assert "Max-Age=0" in header
    assert session_cookie(client) is None
    assert client.get("/get/user").text == "None"


def test_an_empty_unchanged_session_sets_no_cookie(app, client):
    assert "Set-Cookie" not in client.get("/contains/user").headers


def test_changes_inside_mutable_values_need_modified(app, client):
    @app.route("/start")
    def start():
        session["items"] = ["a"]
        return ""

    @app.route("/append/<flag>")
    def append(flag):
        session["items"].append("b")
        if flag == "mark":
            session.modified = True
        return ""

    client.get("/start")
    assert "Set-Cookie" not in client.get("/append/forget").headers
    assert client.get("/get/items").text == "['a']"
    client.get("/append/mark")
    assert client.get("/get/items").text == "['a', 'b']"


def test_session_tracks_modified_and_accessed():
    data = SecureCookieSession({"a": 1})
    assert not data.modified and not data.accessed
    assert data["a"] == 1 and not data.modified
    data["b"] = 2
    assert data.modified and data.accessed
    emptied = SecureCookieSession({"a": 1})
    emptied.pop("a")
    assert emptied.modified
    untouched = SecureCookieSession({"a": 1})
    untouched.pop("missing", None)
    assert not untouched.modified


def test_a_cookie_over_the_browser_limit_warns(app, client):
    @app.route("/big")
    def big():
        session["blob"] = secrets.token_urlsafe(5000)  # random, so compression can't shrink it
        return ""

    with pytest.warns(UserWarning, match="'session' cookie is too large"):
        client.get("/big")


# -- cookie settings ----------------------------------------------------------------------------


def test_every_cookie_setting_reaches_the_set_cookie_header(app, client):
    app.config.update(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.com",
        SESSION_COOKIE_PATH="/app",
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PARTITIONED=True,
    )
    header = client.get("/set/user/ada").headers["Set-Cookie"]
    assert header.startswith("sid=")
    attributes = {part.strip().split("=")[0]: part for part in header.split(";")[1:]}
    assert attributes["Domain"].strip() == "Domain=example.com"
    assert attributes["Path"].strip() == "Path=/app"
    assert "Secure" in attributes
    assert attributes["SameSite"].strip() == "SameSite=Lax"
    assert "Partitioned" in attributes
    assert "HttpOnly" not in attributes


def test_the_defaults_are_httponly_on_the_application_root(app, client):
    header = client.get("/set/user/ada").headers["Set-Cookie"]
    assert "HttpOnly" in header and "Path=/" in header
    assert "Secure" not in header and "Domain" not in header and "Expires" not in header

    app.config["APPLICATION_ROOT"] = "/mounted"
    assert "Path=/mounted" in client.get("/set/user/ada").headers["Set-Cookie"]


def test_the_cookie_name_is_read_from_config(app, client):
    app.config["SESSION_COOKIE_NAME"] = "sid"
    client.get("/set/user/ada")
    assert session_cookie(client, "sid") is not None
    assert client.get("/get/user").text == "'ada'"
    app.config["SESSION_COOKIE_NAME"] = "renamed"
    assert client.get("/get/user").text == "None"


# -- permanent sessions and expiry ---------------------------------------------------------------


def expires_of(header):
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == "Expires":
            return datetime.strptime(value, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    return None


def test_a_permanent_session_cookie_expires_after_the_lifetime(app, client):
    app.permanent_session_lifetime = timedelta(days=3)
    expires = expires_of(client.get("/permanent").headers["Set-Cookie"])
    expected = datetime.now(UTC) + timedelta(days=3)
    assert abs((expires - expected).total_seconds()) < 60
    assert client.get("/get/user").text == "'ada'"


def test_the_lifetime_may_be_given_in_seconds(app, client):
    app.config["PERMANENT_SESSION_LIFETIME"] = 3600
    expires = expires_of(client.get("/permanent").headers["Set-Cookie"])
    assert abs((expires - datetime.now(UTC)).total_seconds() - 3600) < 60


def test_a_cookie_older_than_the_lifetime_gives_an_empty_session(app, client, monkeypatch):
    app.permanent_session_lifetime = timedelta(minutes=30)
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 3600)
        client.set_cookie("session", signed(app, {"user": "ada"}))
    assert client.get("/get/user").text == "None"

    app.permanent_session_lifetime = timedelta(hours=2)
    assert client.get("/get/user").text == "'ada'"


def test_a_permanent_session_is_refreshed_on_each_request_that_uses_it(app, client):
    client.get("/permanent")
    response = client.get("/get/user")
    assert expires_of(response.headers["Set-Cookie"]) is not None

    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    assert "Set-Cookie" not in client.get("/get/user").headers
    assert "Set-Cookie" in client.get("/set/user/bob").headers  # a change is always saved


def test_a_browser_session_is_not_refreshed(app, client):
    client.get("/set/user/ada")
    assert "Set-Cookie" not in client.get("/get/user").headers


def test_a_request_that_does_not_use_the_session_does_not_refresh_it(app, client):
    client.get("/permanent")
    assert "Set-Cookie" not in client.get("/untouched").headers


def test_a_hook_using_the_session_refreshes_it_on_every_request(app, client):
    @app.before_request
    def keep_sessions_alive():
        session.permanent  # opens the session, so a permanent one is re-sent

    client.get("/permanent")
    response = client.get("/untouched")
    assert expires_of(response.headers["Set-Cookie"]) is not None


# -- bad cookies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "a.b.c",
        "....",
        "eyJ1c2VyIjoiYWRhIn0",
        "é.ü.ß",
        "x" * 3000,
        '"quoted\\073"',
        ".eJw.a.b",
    ],
)
def test_a_garbage_cookie_gives_an_empty_session(app, client, value):
    client.set_cookie("session", value)
    response = client.get("/get/user")
    assert response.status_code == 200
    assert response.text == "None"


def test_a_tampered_cookie_gives_an_empty_session_and_can_be_replaced(app, client):
    client.get("/set/user/ada")
    _payload, timestamp, signature = session_cookie(client).value.split(".")
    forged = signed(app, {"user": "root"}).split(".")[0]
    client.set_cookie("session", f"{forged}.{timestamp}.{signature}")
    assert client.get("/get/user").text == "None"
    client.get("/set/user/bob")
    assert client.get("/get/user").text == "'bob'"


def test_a_cookie_signed_with_another_key_gives_an_empty_session(app, client):
    client.set_cookie("session", signed(app, {"user": "eve"}, key="not the key"))
    assert client.get("/get/user").text == "None"


def test_a_signed_cookie_that_is_not_a_dict_gives_an_empty_session(app, client):
    client.set_cookie("session", signed(app, ["user", "eve"]))
    assert client.get("/get/user").text == "None"


# -- key rotation -----------------------------------------------------------------------------


def test_fallback_keys_verify_old_cookies_and_the_current_key_signs(app, client):
    client.set_cookie("session", signed(app, {"user": "ada"}, key="old key"))
    assert client.get("/get/user").text == "None"

    app.config["SECRET_KEY_FALLBACKS"] = ["older key", "old key"]
    assert client.get("/get/user").text == "'ada'"

    client.get("/set/user/bob")
    app.config["SECRET_KEY_FALLBACKS"] = []  # rotation done: only the current key is left
    assert client.get("/get/user").text == "'bob'"


def test_changing_the_secret_key_invalidates_sessions(app, client):
    client.get("/set/user/ada")
    app.secret_key = "a new key"
    assert client.get("/get/user").text == "None"


# -- no secret key: the null session ------------------------------------------------------------


def test_without_a_secret_key_reading_gives_an_empty_session(app, client):
    app.secret_key = None
    client.set_cookie("session", signed(app, {"user": "ada"}, key="test key"))
    response = client.get("/get/user")
    assert response.text == "None"
    assert "Set-Cookie" not in response.headers

    with app.test_request_context():
        assert isinstance(session._get_current_object(), NullSession)


def test_without_a_secret_key_writing_is_a_clear_error(app, client):
    app.secret_key = None
    with pytest.raises(RuntimeError, match="no secret key was set"):
        client.get("/set/user/ada")
    with pytest.raises(RuntimeError, match="secret_key"):
        client.get("/permanent")

    app.testing = False
    assert client.get("/set/user/ada").status_code == 500


def test_the_null_session_refuses_every_change():
    null = NullSession()
    for change in (
        lambda: null.__setitem__("a", 1),
        lambda: null.update(a=1),
        lambda: null.setdefault("a", 1),
        lambda: null.pop("a", None),
        null.clear,
        null.popitem,
    ):
        with pytest.raises(RuntimeError):
            change()
    with pytest.raises(RuntimeError):
        null |= {"a": 1}
    assert null.get("a") is None and len(null) == 0


# -- the test client's session_transaction -------------------------------------------------------


def test_session_transaction_writes_what_the_next_request_reads(app, client):
    with client.session_transaction() as sess:
        assert dict(sess) == {}
        sess["user"] = "ada"
    assert client.get("/get/user").text == "'ada'"


def test_session_transaction_reads_what_a_request_wrote(app, client):
    client.get("/set/user/ada")
    with client.session_transaction() as sess:
        assert sess["user"] == "ada"
        sess["user"] = "bob"
        sess.permanent = True
    assert client.get("/get/user").text == "'bob'"
    assert session_cookie(client).expires is not None


def test_session_transaction_can_empty_the_session(app, client):
    client.get("/set/user/ada")
    with client.session_transaction() as sess:
        sess.clear()
    assert session_cookie(client) is None
    assert client.get("/get/user").text == "None"


def test_session_transaction_follows_the_cookie_settings(app, client):
    app.config.update(SESSION_COOKIE_NAME="sid", SESSION_COOKIE_PATH="/app")
    with client.session_transaction("/app/") as sess:
        sess["user"] = "ada"
    assert session_cookie(client, "sid", path="/app") is not None


def test_session_transaction_needs_a_secret_key(app, client):
    app.secret_key = None
    with pytest.raises(RuntimeError, match="did not open a session"):
        with client.session_transaction():
            pass


# -- customising the interface ----------------------------------------------------------------


def test_a_subclass_may_sign_with_its_own_serializer(app, client):
    class SaltedSessions(SecureCookieSessionInterface):
        def get_signing_serializer(self, app):
            return URLSafeTimedSerializer(
                app.secret_key, salt="my-salt", serializer=self.serializer
            )

    app.session_interface = SaltedSessions()
    client.get("/set/user/ada")
    value = session_cookie(client).value
    assert URLSafeTimedSerializer("test key", salt="my-salt").loads(value) == {"user": "ada"}
    assert client.get("/get/user").text == "'ada'"


def test_other_signing_settings_are_honoured(app, client):
    client.set_cookie("session", signed(app, {"user": "ada"}))

    class Sha256Sessions(SecureCookieSessionInterface):
        digest_method = staticmethod(hashlib.sha256)

    app.session_interface = Sha256Sessions()
    assert client.get("/get/user").text == "None"  # a SHA-1 signature doesn't verify
    client.get("/set/user/bob")
    assert client.get("/get/user").text == "'bob'"
    assert len(session_cookie(client).value.rpartition(".")[2]) == 43  # 32 bytes of base64


def test_a_custom_tag_on_the_interfaces_serializer_is_used(app, client):
    from collections import OrderedDict

    from flagon.json.tag import JSONTag

    class TagOrderedDict(JSONTag):
        key = " od"

        def check(self, value):
            return isinstance(value, OrderedDict)

        def to_json(self, value):
            return list(value.items())

        def to_python(self, value):
            return OrderedDict(value)

    class Sessions(SecureCookieSessionInterface):
        serializer = TaggedJSONSerializer()

    Sessions.serializer.register(TagOrderedDict, index=0)
    app.session_interface = Sessions()

    @app.route("/ordered")
    def ordered():
        if "od" not in session:
            session["od"] = OrderedDict(b=1, a=2)
        return type(session["od"]).__name__

    client.get("/ordered")
    assert client.get("/ordered").text == "OrderedDict"


# -- a session that was only read -------------------------------------------------------------


@pytest.mark.wsgi_only  # header names as written: ASGI sends them in lower case
def test_a_read_session_answers_exactly_as_a_response_object_would(app, client):
    client.get("/set/user/ada")
    response = client.get("/get/user")
    assert response.get_data(as_text=True) == "'ada'"
    assert response.headers.to_wsgi_list() == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "5"),
        ("Vary", "Cookie"),
    ]


def test_a_read_session_on_a_head_request_sends_headers_only(app, client):
    client.get("/set/user/ada")
    response = client.head("/get/user")
    assert response.data == b""
    assert response.headers["Vary"] == "Cookie"
    assert response.headers["Content-Length"] == "5"


def test_a_read_session_still_reaches_after_request_functions(app, client):
    seen = []

    @app.after_request
    def record(response):
        seen.append(response.headers.get("Vary"))
        return response

    client.get("/set/user/ada")
    assert client.get("/get/user").headers["Vary"] == "Cookie"
    assert seen == [None, None]  # the session is saved after the hooks ran


def test_a_custom_save_session_is_called_for_a_session_that_was_only_read(app, client):
    class Recording(SecureCookieSessionInterface):
        saved = 0

        def save_session(self, app, session, response):
            Recording.saved += 1
            response.headers["X-Saved"] = "yes"

    client.get("/set/user/ada")
    app.session_interface = Recording()
    assert client.get("/get/user").headers["X-Saved"] == "yes"
    assert Recording.saved == 1


def test_an_overridden_should_set_cookie_is_asked_for_a_session_that_was_only_read(app, client):
    class AlwaysRefresh(SecureCookieSessionInterface):
        def should_set_cookie(self, app, session):
            return True

    client.get("/set/user/ada")
    app.session_interface = AlwaysRefresh()
    assert "session=" in client.get("/get/user").headers["Set-Cookie"]


def test_a_read_null_session_adds_no_vary(app, client):
    app.secret_key = None
    response = client.get("/get/user")
    assert response.get_data(as_text=True) == "None"
    assert "Vary" not in response.headers


# -- signing settings changing between requests ----------------------------------------------


def test_a_fallback_key_appended_in_place_verifies_old_cookies(app, client):
    app.config["SECRET_KEY_FALLBACKS"] = fallbacks = []
    client.get("/set/user/ada")
    assert client.get("/get/user").get_data(as_text=True) == "'ada'"
    app.secret_key = "new key"
    assert client.get("/get/user").get_data(as_text=True) == "None"
    fallbacks.append("test key")
    assert client.get("/get/user").get_data(as_text=True) == "'ada'"


def test_a_shorter_lifetime_set_between_requests_expires_the_cookie(app, client, monkeypatch):
    client.get("/set/user/ada")
    assert client.get("/get/user").get_data(as_text=True) == "'ada'"
    app.permanent_session_lifetime = timedelta(seconds=10)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 60)
    assert client.get("/get/user").get_data(as_text=True) == "None"


def test_a_changed_salt_on_the_interface_is_honoured(app, client):
    client.get("/set/user/ada")
    app.session_interface = interface = SecureCookieSessionInterface()
    assert client.get("/get/user").get_data(as_text=True) == "'ada'"
    interface.salt = "another salt"
    assert client.get("/get/user").get_data(as_text=True) == "None"


def test_the_session_cookie_is_read_from_an_assigned_cookies_mapping(app):
    from flagon.datastructures import ImmutableMultiDict

    with app.test_request_context("/", headers={"Cookie": "session=garbage"}):
        signed = app.session_interface._signer(app).dumps({"user": "ada"})
        from flagon import request

        request.cookies = ImmutableMultiDict([("session", signed)])
        assert session["user"] == "ada"
