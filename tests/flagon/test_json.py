"""JSON: jsonify, the app's provider (``app.json``) and its options, the module-level helpers,
and a custom provider class used for responses and requests alike."""

from __future__ import annotations

import dataclasses
import decimal
import io
import json
import uuid
from datetime import UTC, date, datetime, timezone

import pytest

import flagon.json
from flagon import Flagon, jsonify, request
from flagon.json.provider import DefaultJSONProvider


def test_jsonify_keywords(app):
    with app.app_context():
        response = jsonify(name="ann", n=1)
    assert response.mimetype == "application/json"
    assert response.status_code == 200
    assert json.loads(response.data) == {"name": "ann", "n": 1}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (([1, 2],), [1, 2]),
        ((1, 2), [1, 2]),
        (("text",), "text"),
        ((), None),
        (({"a": 1},), {"a": 1}),
    ],
)
def test_jsonify_positional_forms(app, args, expected):
    with app.app_context():
        assert json.loads(jsonify(*args).data) == expected


def test_jsonify_refuses_args_and_kwargs_together(app):
    with app.app_context():
        with pytest.raises(TypeError):
            jsonify(1, a=2)


def test_jsonify_outside_an_app_context_says_how_to_fix_it():
    with pytest.raises(RuntimeError, match="app_context"):
        jsonify(a=1)


def test_jsonify_in_a_view(app, client):
    app.add_url_rule("/", "index", lambda: jsonify(items=[1, 2]))
    assert client.get("/").json == {"items": [1, 2]}


def test_jsonify_uses_the_app_response_class(app):
    class MyResponse(flagon.Response):
        pass

    app.response_class = MyResponse
    with app.app_context():
        assert isinstance(jsonify(), MyResponse)


def test_extra_types_are_encoded(app):
    @dataclasses.dataclass
    class Point:
        x: int
        y: int

    class Markup:
        def __html__(self):
            return "<b>safe</b>"

    value = {
        "when": datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
        "day": date(2030, 1, 2),
        "price": decimal.Decimal("9.99"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "point": Point(1, 2),
        "html": Markup(),
    }
    with app.app_context():
        decoded = json.loads(jsonify(value).data)
    assert decoded == {
        "when": "Wed, 02 Jan 2030 03:04:05 GMT",
        "day": "Wed, 02 Jan 2030 00:00:00 GMT",
        "price": "9.99",
        "id": "12345678-1234-5678-1234-567812345678",
        "point": {"x": 1, "y": 2},
        "html": "<b>safe</b>",
    }


def test_aware_datetimes_are_converted_to_utc(app):
    from datetime import timedelta

    paris = timezone(timedelta(hours=1))
    with app.app_context():
        assert app.json.dumps(datetime(2030, 1, 1, 12, tzinfo=paris)) == (
            '"Tue, 01 Jan 2030 11:00:00 GMT"'
        )


def test_unknown_type_is_a_type_error(app):
    with app.app_context():
        with pytest.raises(TypeError, match="not JSON serializable"):
            jsonify(object())


def test_unknown_type_in_a_view_is_a_500_in_production(app):
    app.testing = False
    app.add_url_rule("/", "index", lambda: {"x": object()})
    assert app.test_client().get("/").status_code == 500


def test_keys_keep_their_order_by_default(app):
    with app.app_context():
        assert jsonify({"b": 1, "a": 2}).data == b'{"b":1,"a":2}\n'


def test_sort_keys_can_be_turned_on(app):
    app.json.sort_keys = True
    with app.app_context():
        assert jsonify({"b": 1, "a": 2}).data == b'{"a":2,"b":1}\n'


def test_compact_in_production_pretty_in_debug(app):
    with app.app_context():
        assert jsonify(a=[1, 2]).data == b'{"a":[1,2]}\n'
    app.debug = True
    with app.app_context():
        assert jsonify(a=[1, 2]).data == b'{\n  "a": [\n    1,\n    2\n  ]\n}\n'


def test_compact_option_overrides_debug(app):
    app.debug = True
    app.json.compact = True
    with app.app_context():
        assert jsonify(a=1).data == b'{"a":1}\n'
    app.debug = False
    app.json.compact = False
    with app.app_context():
        assert jsonify(a=1).data == b'{\n  "a": 1\n}\n'


def test_ensure_ascii_option(app):
    with app.app_context():
        assert jsonify("é").data == b'"\\u00e9"\n'
    app.json.ensure_ascii = False
    with app.app_context():
        assert jsonify("é").data == '"é"\n'.encode()


def test_module_helpers_use_the_current_app(app):
    app.json.sort_keys = False
    with app.app_context():
        assert flagon.json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'
        assert flagon.json.loads('{"a": [1]}') == {"a": [1]}
        assert flagon.json.loads(b"[1]") == [1]


def test_module_helpers_outside_a_context_still_encode_extra_types():
    assert flagon.json.dumps(decimal.Decimal("1.5")) == '"1.5"'
    assert flagon.json.loads("[true]") == [True]


def test_dump_and_load_with_files(app):
    buffer = io.StringIO()
    with app.app_context():
        flagon.json.dump({"a": 1}, buffer)
        buffer.seek(0)
        assert flagon.json.load(buffer) == {"a": 1}
    assert flagon.json.load(io.BytesIO(b'{"b": 2}')) == {"b": 2}


def test_test_client_json_argument_and_response_json(app, client):
    @app.post("/echo")
    def echo():
        return {"received": request.get_json()}

    response = client.post("/echo", json={"a": [1, "x"]})
    assert response.json == {"received": {"a": [1, "x"]}}


# -- a custom provider ----------------------------------------------------------------------------


class DecimalProvider(DefaultJSONProvider):
    """Floats come in as Decimal; sets go out as sorted lists."""

    mimetype = "application/vnd.test+json"

    @staticmethod
    def default(o):
        if isinstance(o, set):
            return sorted(o)
        return DefaultJSONProvider.default(o)

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_float", decimal.Decimal)
        return super().loads(s, **kwargs)


@pytest.fixture
def custom_app():
    class CustomApp(Flagon):
        json_provider_class = DecimalProvider

    app = CustomApp("custom_json")
    app.testing = True
    return app


def test_custom_provider_is_the_apps_json(custom_app):
    assert isinstance(custom_app.json, DecimalProvider)


def test_custom_provider_encodes_view_results(custom_app):
    custom_app.add_url_rule("/", "index", lambda: {"tags": {"b", "a"}})
    response = custom_app.test_client().get("/")
    assert response.mimetype == "application/vnd.test+json"
    assert response.json == {"tags": ["a", "b"]}


def test_custom_provider_decodes_request_bodies(custom_app):
    @custom_app.post("/")
    def index():
        value = request.get_json()["price"]
        return f"{type(value).__name__} {value}"

    response = custom_app.test_client().post(
        "/", data='{"price": 1.10}', content_type="application/json"
    )
    assert response.text == "Decimal 1.10"


def test_custom_provider_in_module_helpers(custom_app):
    with custom_app.app_context():
        assert flagon.json.dumps({1, 3, 2}) == "[1, 2, 3]"
        assert flagon.json.loads("0.5") == decimal.Decimal("0.5")
