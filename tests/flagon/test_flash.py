"""Message flashing: messages kept in the session until the next request reads them."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from flagon import flash, get_flashed_messages, message_flashed, redirect, session


@pytest.fixture
def app(app):
    app.secret_key = "test key"

    @app.route("/flash")
    def flash_some():
        flash("Saved.")
        flash("Careful!", "warning")
        flash("Broken.", "error")
        return redirect("/show")

    @app.route("/show")
    def show():
        return repr(get_flashed_messages())

    @app.route("/categories")
    def categories():
        return repr(get_flashed_messages(with_categories=True))

    return app


def test_messages_flashed_in_one_request_are_shown_by_the_next(app, client):
    response = client.get("/flash", follow_redirects=True)
    assert response.text == "['Saved.', 'Careful!', 'Broken.']"
    assert client.get("/show").text == "[]"  # shown once


def test_messages_come_with_their_categories(app, client):
    client.get("/flash")
    assert client.get("/categories").text == (
        "[('message', 'Saved.'), ('warning', 'Careful!'), ('error', 'Broken.')]"
    )


def test_the_category_filter_keeps_the_named_categories(app, client):
    @app.route("/problems")
    def problems():
        both = get_flashed_messages(category_filter=["warning", "error"])
        errors = get_flashed_messages(category_filter="error")  # one category as a string
        paired = get_flashed_messages(with_categories=True, category_filter=("error",))
        return repr((both, errors, paired))

    client.get("/flash")
    assert client.get("/problems").text == repr(
        (["Careful!", "Broken."], ["Broken."], [("error", "Broken.")])
    )


def test_repeated_calls_in_one_request_return_the_same_messages(app, client):
    @app.route("/twice")
    def twice():
        first = get_flashed_messages()
        flash("for later")  # goes to the session for the next request
        return repr((first, get_flashed_messages()))

    client.get("/flash")
    assert client.get("/twice").text == repr((["Saved.", "Careful!", "Broken."],) * 2)
    assert client.get("/show").text == "['for later']"


def test_reading_the_messages_removes_them_from_the_session(app, client):
    @app.route("/left")
    def left():
        get_flashed_messages()
        return repr("_flashes" in session)

    client.get("/flash")
    assert client.get("/left").text == "False"


def test_markup_messages_stay_markup(app, client):
    @app.route("/markup")
    def markup():
        flash(Markup("<b>Welcome</b>"))
        return ""

    @app.route("/kinds")
    def kinds():
        return repr([type(m).__name__ for m in get_flashed_messages()])

    client.get("/markup")
    assert client.get("/kinds").text == "['Markup']"


def test_flashing_sends_message_flashed(app, client):
    received = []

    def record(sender, message, category):
        received.append((sender, message, category))

    with message_flashed.connected_to(record, app):
        client.get("/flash")
    assert received == [
        (app, "Saved.", "message"),
        (app, "Careful!", "warning"),
        (app, "Broken.", "error"),
    ]


def test_without_a_secret_key_flashing_is_a_clear_error(app, client):
    app.secret_key = None
    with pytest.raises(RuntimeError, match="no secret key was set"):
        client.get("/flash")
    assert client.get("/show").text == "[]"


def test_flashes_set_in_session_transaction_are_shown(app, client):
    with client.session_transaction() as sess:
        sess["_flashes"] = [("info", "Prepared.")]
    assert client.get("/categories").text == "[('info', 'Prepared.')]"


def test_get_flashed_messages_needs_a_request():
    with pytest.raises(RuntimeError, match="needs an active request"):
        get_flashed_messages()
