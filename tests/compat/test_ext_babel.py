"""Flask-Babel on flagon: the locale picked from ``Accept-Language``, real compiled catalogues,
``gettext``/``lazy_gettext``/``ngettext`` in views and templates, and locale- and
timezone-aware formatting, following Flask-Babel's quick-start."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, has_request_context, render_template, request
from flask_babel import (
    Babel,
    force_locale,
    format_datetime,
    format_decimal,
    get_locale,
    get_timezone,
    gettext,
    lazy_gettext,
    ngettext,
    refresh,
)

# Module level, as a form label or a constant would be: translated when used, per request.
GREETING = lazy_gettext("Hello, world!")

CATALOGUES = {
    "de": """
msgid ""
msgstr ""
"Language: de\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Hello, world!"
msgstr "Hallo, Welt!"

msgid "Welcome, %(name)s"
msgstr "Willkommen, %(name)s"

msgid "%(num)d apple"
msgid_plural "%(num)d apples"
msgstr[0] "%(num)d Apfel"
msgstr[1] "%(num)d Äpfel"

msgid "%(count)s apple"
msgid_plural "%(count)s apples"
msgstr[0] "%(count)s Apfel"
msgstr[1] "%(count)s Äpfel"

msgid "Language changed"
msgstr "Sprache geändert"
""",
    "fr": """
msgid ""
msgstr ""
"Language: fr\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"

msgid "Hello, world!"
msgstr "Bonjour, le monde !"

msgid "Welcome, %(name)s"
msgstr "Bienvenue, %(name)s"

msgid "%(num)d apple"
msgid_plural "%(num)d apples"
msgstr[0] "%(num)d pomme"
msgstr[1] "%(num)d pommes"

msgid "%(count)s apple"
msgid_plural "%(count)s apples"
msgstr[0] "%(count)s pomme"
msgstr[1] "%(count)s pommes"
""",
}

PAGE = """<!doctype html>
<title>{{ _('Hello, world!') }}</title>
<p class="welcome">{{ _('Welcome, %(name)s', name=name) }}</p>
<p class="apples">{% trans count=apples %}{{ count }} apple{% pluralize %}{{ count }} apples{% endtrans %}</p>
<p class="when">{{ when|datetimeformat('yyyy-MM-dd HH:mm zzzz') }}</p>
<p class="price">{{ price|decimalformat }}</p>
<p class="lazy">{{ greeting }}</p>
"""

USERS = {"ada": "Europe/Berlin", "grace": "America/New_York"}


@pytest.fixture(scope="module")
def translations(tmp_path_factory):
    """``translations/<lang>/LC_MESSAGES/messages.mo``, compiled with Babel's own API."""
    root = tmp_path_factory.mktemp("babel")
    for lang, po in CATALOGUES.items():
        folder = root / "translations" / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text(po, encoding="utf-8")
        with open(folder / "messages.po", "rb") as source:
            catalog = read_po(source, locale=lang)
        with open(folder / "messages.mo", "wb") as target:
            write_mo(target, catalog)
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text(PAGE, encoding="utf-8")
    return root


@pytest.fixture
def app(translations):
    app = Flask(__name__, root_path=str(translations))
    app.config.update(TESTING=True, BABEL_DEFAULT_LOCALE="en", BABEL_DEFAULT_TIMEZONE="UTC")

    def select_locale():
        if not has_request_context():
            return None
        if "lang" in request.args:
            return request.args["lang"]
        return request.accept_languages.best_match(["de", "fr", "en"])

    def select_timezone():
        user = getattr(g, "user", None)
        if user is not None:
            return USERS[user]

    babel = Babel(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.extensions["test_babel"] = babel

    @app.before_request
    def load_user():
        g.user = request.args.get("user")

    @app.route("/")
    def index():
        return gettext("Hello, world!")

    @app.route("/welcome/<name>")
    def welcome(name):
        return {
            "message": gettext("Welcome, %(name)s", name=name),
            "locale": str(get_locale()),
            "apples": [ngettext("%(num)d apple", "%(num)d apples", n) for n in (1, 2)],
        }

    @app.route("/lazy")
    def lazy():
        return str(GREETING)

    @app.route("/page")
    def page():
        return render_template(
            "page.html",
            name=request.args.get("name", "Ada"),
            apples=int(request.args.get("apples", 3)),
            when=datetime(2024, 7, 1, 12, 30),
            price=Decimal("1234567.891"),
            greeting=GREETING,
        )

    @app.route("/formatted")
    def formatted():
        return {
            "when": format_datetime(datetime(2024, 1, 15, 23, 30), "yyyy-MM-dd HH:mm"),
            "timezone": str(get_timezone()),
            "number": format_decimal(Decimal("1234.5")),
        }

    @app.route("/switch")
    def switch():
        before = gettext("Language changed")
        with force_locale("de"):
            forced = gettext("Language changed")
        after = gettext("Language changed")
        return {"before": before, "forced": forced, "after": after}

    @app.route("/refresh")
    def refreshed():
        first = gettext("Hello, world!")
        request.args = request.args.copy()
        request.args["lang"] = "fr"
        refresh()
        return {"first": first, "then": gettext("Hello, world!")}

    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-DE,de;q=0.9,en;q=0.5", "Hallo, Welt!"),
        ("fr-CH, fr;q=0.9, en;q=0.8", "Bonjour, le monde !"),
        ("en-US,en;q=0.9", "Hello, world!"),
        ("es, en;q=0.1, de;q=0.2", "Hallo, Welt!"),
        ("ja", "Hello, world!"),
    ],
)
def test_accept_language_picks_the_catalogue(client, header, expected):
    response = client.get("/", headers={"Accept-Language": header})
    assert response.status_code == 200
    assert response.get_data(as_text=True) == expected


def test_no_accept_language_uses_the_default_locale(client):
    assert client.get("/").get_data(as_text=True) == "Hello, world!"
    assert client.get("/welcome/Ada").get_json()["locale"] == "en"


def test_gettext_with_variables_and_plurals(client):
    data = client.get("/welcome/Ada", headers={"Accept-Language": "de"}).get_json()
    assert data == {
        "message": "Willkommen, Ada",
        "locale": "de",
        "apples": ["1 Apfel", "2 Äpfel"],
    }
    data = client.get("/welcome/Zoé", headers={"Accept-Language": "fr"}).get_json()
    assert data["message"] == "Bienvenue, Zoé"
    assert data["apples"] == ["1 pomme", "2 pommes"]


def test_the_locale_is_chosen_per_request(client):
    # One client, alternating languages: nothing of a request's locale leaks into the next.
    for header, expected in [("de", "Hallo, Welt!"), ("fr", "Bonjour, le monde !")] * 2:
        assert client.get("/lazy", headers={"Accept-Language": header}).text == expected
    assert client.get("/lazy").text == "Hello, world!"


def test_lazy_gettext_outside_a_request_is_the_source_text(app):
    assert str(GREETING) == "Hello, world!"
    with app.app_context():
        # An application context but no locale selected from a request: the default locale.
        assert str(GREETING) == "Hello, world!"


def test_template_translations_and_formatting(client):
    html = client.get("/page", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "<title>Hallo, Welt!</title>" in html
    assert '<p class="welcome">Willkommen, Ada</p>' in html
    assert '<p class="apples">3 Äpfel</p>' in html
    assert '<p class="when">2024-07-01 12:30 Koordinierte Weltzeit</p>' in html
    assert '<p class="price">1.234.567,891</p>' in html
    assert '<p class="lazy">Hallo, Welt!</p>' in html

    html = client.get("/page?apples=1", headers={"Accept-Language": "en"}).text
    assert "<title>Hello, world!</title>" in html
    assert '<p class="apples">1 apple</p>' in html
    assert '<p class="when">2024-07-01 12:30 Coordinated Universal Time</p>' in html
    assert '<p class="price">1,234,567.891</p>' in html


def test_template_translation_escapes_its_variables(client):
    html = client.get("/page?name=<b>Zoé</b>", headers={"Accept-Language": "fr"}).text
    assert '<p class="welcome">Bienvenue, &lt;b&gt;Zoé&lt;/b&gt;</p>' in html
    assert '<p class="price">1\u202f234\u202f567,891</p>' in html


def test_timezone_selector_rebases_datetimes(client):
    assert client.get("/formatted").get_json() == {
        "when": "2024-01-15 23:30",
        "timezone": "UTC",
        "number": "1,234.5",
    }
    berlin = client.get("/formatted?user=ada", headers={"Accept-Language": "de"}).get_json()
    assert berlin == {"when": "2024-01-16 00:30", "timezone": "Europe/Berlin", "number": "1.234,5"}
    new_york = client.get("/formatted?user=grace").get_json()
    assert new_york["when"] == "2024-01-15 18:30"
    assert new_york["timezone"] == "America/New_York"


def test_timezone_in_template(client):
    html = client.get("/page?user=ada", headers={"Accept-Language": "en"}).text
    assert '<p class="when">2024-07-01 14:30 Central European Summer Time</p>' in html


def test_force_locale_and_refresh(client):
    assert client.get("/switch").get_json() == {
        "before": "Language changed",
        "forced": "Sprache geändert",
        "after": "Language changed",
    }
    assert client.get("/refresh", headers={"Accept-Language": "de"}).get_json() == {
        "first": "Hallo, Welt!",
        "then": "Bonjour, le monde !",
    }


def test_list_translations(app):
    babel = app.extensions["test_babel"]
    with app.app_context():
        assert sorted(str(locale) for locale in babel.list_translations()) == ["de", "en", "fr"]
        assert str(babel.default_locale) == "en"
        assert str(babel.default_timezone) == "UTC"


def test_test_request_context(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert str(get_locale()) == "fr"
        assert gettext("Hello, world!") == "Bonjour, le monde !"
        assert str(GREETING) == "Bonjour, le monde !"
