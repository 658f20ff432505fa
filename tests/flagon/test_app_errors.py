"""Error handling: handlers for status codes and exception classes (the most specific class
wins), the 500 handler and ``original_exception``, PROPAGATE_EXCEPTIONS, TRAP_HTTP_EXCEPTIONS,
TRAP_BAD_REQUEST_ERRORS and logging of unhandled errors."""

from __future__ import annotations

import logging

import pytest

from flagon import abort, request
from flagon.exceptions import (
    BadRequest,
    Forbidden,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
)


@pytest.fixture
def served(app):
    """The app with propagation off, as in production: unhandled errors become 500s."""
    app.testing = False
    return app


def test_handler_for_a_status_code(app, client):
    @app.errorhandler(404)
    def not_found(e):
        return f"custom: {e.code}", 404

    response = client.get("/missing")
    assert (response.status_code, response.text) == (404, "custom: 404")


def test_handler_for_an_http_exception_class_handles_its_code(app, client):
    @app.errorhandler(NotFound)
    def not_found(e):
        assert isinstance(e, NotFound)
        return "by class", 404

    assert client.get("/missing").text == "by class"


def test_handler_status_defaults_to_200_when_not_given(app, client):
    app.register_error_handler(404, lambda e: "no status")
    assert client.get("/missing").status_code == 200


def test_register_error_handler_is_the_plain_form(app, client):
    app.register_error_handler(403, lambda e: ("nope", 403))
    app.add_url_rule("/", "index", lambda: abort(403))
    assert client.get("/").text == "nope"


def test_errorhandler_returns_the_function(app):
    def handler(e):
        return "x"

    assert app.errorhandler(404)(handler) is handler


def test_handler_receives_the_raised_exception(app, client):
    seen = []

    @app.errorhandler(Forbidden)
    def forbidden(e):
        seen.append(e)
        return e.description, 403

    @app.route("/")
    def index():
        raise Forbidden("members only")

    assert client.get("/").text == "members only"
    assert isinstance(seen[0], Forbidden)


def test_handler_for_a_custom_exception(app, client):
    class PaymentRequired(Exception):
        pass

    @app.errorhandler(PaymentRequired)
    def pay(e):
        return {"error": "pay first"}, 402

    @app.route("/")
    def index():
        raise PaymentRequired()

    response = client.get("/")
    assert response.status_code == 402
    assert response.json == {"error": "pay first"}


def test_most_specific_exception_class_wins(app, client):
    @app.errorhandler(LookupError)
    def lookup(e):
        return "lookup", 500

    @app.errorhandler(KeyError)
    def key(e):
        return "key", 500

    @app.route("/<kind>")
    def raise_it(kind):
        raise {"key": KeyError, "index": IndexError}[kind]()

    assert client.get("/key").text == "key"
    assert client.get("/index").text == "lookup"


def test_subclass_of_an_http_exception_prefers_its_own_handler(app, client):
    class NotAllowedHere(Forbidden):
        pass

    app.register_error_handler(403, lambda e: ("generic 403", 403))
    app.register_error_handler(NotAllowedHere, lambda e: ("specific", 403))
    app.add_url_rule("/specific", "specific", lambda: (_ for _ in ()).throw(NotAllowedHere()))
    app.add_url_rule("/generic", "generic", lambda: abort(403))
    assert client.get("/specific").text == "specific"
    assert client.get("/generic").text == "generic 403"


def test_code_handler_is_preferred_to_a_generic_exception_handler(app, client):
    app.register_error_handler(Exception, lambda e: ("exception", 500))
    app.register_error_handler(404, lambda e: ("not found", 404))
    assert client.get("/missing").text == "not found"


def test_exception_handler_also_catches_http_exceptions(app, client):
    @app.errorhandler(Exception)
    def everything(e):
        code = e.code if isinstance(e, HTTPException) else 500
        return f"caught {type(e).__name__}", code

    response = client.get("/missing")
    assert (response.status_code, response.text) == (404, "caught NotFound")


def test_http_exception_handler_catches_every_http_error(app, client):
    app.register_error_handler(HTTPException, lambda e: (f"http {e.code}", e.code))
    app.add_url_rule("/", "index", lambda: abort(418))
    assert client.get("/missing").text == "http 404"
    assert client.get("/").text == "http 418"


def test_405_handler_can_reuse_the_default_response(app, client):
    @app.errorhandler(MethodNotAllowed)
    def not_allowed(e):
        response = e.get_response()
        response.headers["X-Handled"] = "1"
        return response

    app.add_url_rule("/", "index", lambda: "x", methods=["POST"])
    response = client.get("/")
    assert response.status_code == 405
    assert response.headers["X-Handled"] == "1"
    assert "POST" in response.headers["Allow"]


def test_unhandled_http_exception_gives_its_default_page(app, client):
    app.add_url_rule("/", "index", lambda: abort(403))
    response = client.get("/")
    assert response.status_code == 403
    assert response.mimetype == "text/html"
    assert b"Forbidden" in response.data


def test_error_in_an_error_handler_propagates_when_testing(app, client):
    @app.errorhandler(404)
    def broken(e):
        raise RuntimeError("handler broke")

    with pytest.raises(RuntimeError, match="handler broke"):
        client.get("/missing")


def test_error_in_an_error_handler_becomes_a_500(served):
    @served.errorhandler(404)
    def broken(e):
        raise RuntimeError("handler broke")

    assert served.test_client().get("/missing").status_code == 500


@pytest.mark.parametrize("bad", [999, "404"])
def test_handler_for_an_unknown_code_or_non_exception_is_refused(app, bad):
    with pytest.raises((ValueError, TypeError)):
        app.register_error_handler(bad, lambda e: "")


def test_handler_for_an_instance_is_refused(app):
    with pytest.raises(TypeError, match="instance"):
        app.register_error_handler(NotFound(), lambda e: "")


def test_handler_for_a_class_not_derived_from_exception_is_refused(app):
    with pytest.raises(ValueError, match="subclass of Exception"):
        app.register_error_handler(object, lambda e: "")


# -- 500s and propagation ---------------------------------------------------------------------


def test_unhandled_exception_propagates_in_testing(app, client):
    app.add_url_rule("/", "index", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        client.get("/")


def test_unhandled_exception_is_a_500_page_when_not_propagating(served):
    served.add_url_rule("/", "index", lambda: 1 / 0)
    response = served.test_client().get("/")
    assert response.status_code == 500
    assert b"Internal Server Error" in response.data
    assert b"ZeroDivisionError" not in response.data  # no details leak to the client


def test_propagate_exceptions_false_overrides_testing(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/", "index", lambda: 1 / 0)
    assert client.get("/").status_code == 500


def test_propagate_exceptions_true_without_testing(served):
    served.config["PROPAGATE_EXCEPTIONS"] = True
    served.add_url_rule("/", "index", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        served.test_client().get("/")


def test_debug_mode_propagates(served):
    served.debug = True
    served.config["PRESERVE_CONTEXT_ON_EXCEPTION"] = False
    served.add_url_rule("/", "index", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        served.test_client().get("/")


def test_500_handler_receives_internal_server_error_with_original_exception(served):
    seen = []

    @served.errorhandler(500)
    def server_error(e):
        seen.append(e)
        return f"sorry: {type(e.original_exception).__name__}", 500

    error = ValueError("db down")
    served.add_url_rule("/", "index", lambda: (_ for _ in ()).throw(error))
    response = served.test_client().get("/")
    assert (response.status_code, response.text) == (500, "sorry: ValueError")
    assert isinstance(seen[0], InternalServerError)
    assert seen[0].original_exception is error


def test_internal_server_error_class_handler_is_the_500_handler(served):
    served.register_error_handler(InternalServerError, lambda e: ("class handler", 500))
    served.add_url_rule("/", "index", lambda: 1 / 0)
    assert served.test_client().get("/").text == "class handler"


def test_500_handler_for_an_explicit_abort_has_no_original_exception(app, client):
    seen = []

    @app.errorhandler(500)
    def server_error(e):
        seen.append(e.original_exception)
        return "aborted", 500

    app.add_url_rule("/", "index", lambda: abort(500))
    assert client.get("/").text == "aborted"
    assert seen == [None]


def test_specific_handler_wins_over_500_handler(served):
    served.register_error_handler(500, lambda e: ("500", 500))
    served.register_error_handler(ZeroDivisionError, lambda e: ("zero", 400))
    served.add_url_rule("/", "index", lambda: 1 / 0)
    response = served.test_client().get("/")
    assert (response.status_code, response.text) == (400, "zero")


def test_unhandled_exception_is_logged_with_path_and_method(served, caplog):
    served.add_url_rule("/boom", "boom", lambda: 1 / 0)
    with caplog.at_level(logging.ERROR, logger=served.logger.name):
        served.test_client().get("/boom")
    records = [r for r in caplog.records if r.name == served.logger.name]
    assert len(records) == 1
    assert records[0].getMessage() == "Exception on /boom [GET]"
    assert records[0].exc_info[0] is ZeroDivisionError


def test_base_exception_is_not_swallowed(served):
    class Stop(BaseException):
        pass

    served.add_url_rule("/", "index", lambda: (_ for _ in ()).throw(Stop()))
    with pytest.raises(Stop):
        served.test_client().get("/")


# -- trapping ---------------------------------------------------------------------------------


def test_trap_http_exceptions_raises_them_instead_of_answering(app, client):
    app.config["TRAP_HTTP_EXCEPTIONS"] = True
    app.add_url_rule("/", "index", lambda: abort(403))
    with pytest.raises(NotFound):
        client.get("/missing")
    with pytest.raises(Forbidden):
        client.get("/")


def test_trapped_http_exceptions_still_reach_registered_handlers(app, client):
    app.config["TRAP_HTTP_EXCEPTIONS"] = True
    app.register_error_handler(404, lambda e: ("code handler", 404))
    app.register_error_handler(Forbidden, lambda e: ("class handler", 403))
    app.add_url_rule("/", "index", lambda: abort(403))
    # Trapping only sends errors nobody handles to the debugger.
    assert client.get("/missing").text == "code handler"
    assert client.get("/").text == "class handler"


def test_bad_request_key_errors_are_400_without_details_by_default(app, client):
    @app.route("/key")
    def key():
        return request.form["missing_key"]

    response = client.get("/key")
    assert response.status_code == 400
    assert b"missing_key" not in response.data


def test_debug_traps_bad_request_key_errors_and_names_the_key(app, client):
    app.debug = True
    app.config["PRESERVE_CONTEXT_ON_EXCEPTION"] = False

    @app.route("/key")
    def key():
        return request.args["missing_key"]

    app.add_url_rule("/abort", "abort", lambda: abort(400))
    with pytest.raises(KeyError) as info:
        client.get("/key")
    assert isinstance(info.value, BadRequest)
    assert "missing_key" in info.value.get_description()
    assert client.get("/abort").status_code == 400


def test_debug_with_trapping_off_shows_the_key_in_the_400(app, client):
    app.debug = True
    app.config["TRAP_BAD_REQUEST_ERRORS"] = False

    @app.route("/key")
    def key():
        return request.args["missing_key"]

    response = client.get("/key")
    assert response.status_code == 400
    assert b"missing_key" in response.data


def test_trap_bad_request_errors_raises_every_bad_request(app, client):
    app.config["TRAP_BAD_REQUEST_ERRORS"] = True

    @app.route("/key")
    def key():
        return request.form["missing_key"]

    app.add_url_rule("/abort", "abort", lambda: abort(400))
    with pytest.raises(KeyError):
        client.get("/key")
    with pytest.raises(BadRequest):
        client.get("/abort")
    assert client.get("/missing").status_code == 404  # only bad requests are trapped
