"""``app.config``: the defaults, the attributes forwarding to it, and its loaders."""

from __future__ import annotations

import json
import sys
import tomllib
import types

import pytest

from flagon import Config, Flagon


def test_config_is_a_dict_with_the_defaults(monkeypatch):
    monkeypatch.delenv("FLAGON_DEBUG", raising=False)
    app = Flagon("defaults")
    assert isinstance(app.config, dict)
    assert isinstance(app.config, Config)
    expected = {
        "DEBUG": False,
        "TESTING": False,
        "SECRET_KEY": None,
        "SERVER_NAME": None,
        "APPLICATION_ROOT": "/",
        "PREFERRED_URL_SCHEME": "http",
        "MAX_CONTENT_LENGTH": None,
        "MAX_FORM_MEMORY_SIZE": 500_000,
        "MAX_FORM_PARTS": 1_000,
        "PROPAGATE_EXCEPTIONS": None,
        "TRAP_HTTP_EXCEPTIONS": False,
        "TRAP_BAD_REQUEST_ERRORS": None,
        "PRESERVE_CONTEXT_ON_EXCEPTION": None,
    }
    for key, value in expected.items():
        assert app.config[key] == value, key


def test_each_app_has_its_own_config():
    one, two = Flagon("one"), Flagon("two")
    one.config["SECRET_KEY"] = "one"
    assert two.config["SECRET_KEY"] is None
    assert Flagon.default_config["SECRET_KEY"] is None


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("yes", True), ("0", False), ("false", False), ("", False)]
)
def test_debug_default_comes_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("FLAGON_DEBUG", value)
    assert Flagon("env").debug is expected


def test_attributes_forward_to_config():
    app = Flagon("attrs")
    app.testing = True
    app.debug = True
    app.secret_key = "s3cret"
    assert app.config["TESTING"] is True
    assert app.config["DEBUG"] is True
    assert app.config["SECRET_KEY"] == "s3cret"
    app.config["TESTING"] = False
    assert app.testing is False


def test_propagate_and_preserve_follow_testing_and_debug():
    app = Flagon("flags")
    assert not app.propagate_exceptions
    assert not app.preserve_context_on_exception
    app.testing = True
    assert app.propagate_exceptions
    app.testing = False
    app.debug = True
    assert app.propagate_exceptions
    assert app.preserve_context_on_exception
    app.config.update(PROPAGATE_EXCEPTIONS=False, PRESERVE_CONTEXT_ON_EXCEPTION=False)
    assert not app.propagate_exceptions
    assert not app.preserve_context_on_exception


def test_permanent_session_lifetime_accepts_seconds():
    from datetime import timedelta

    app = Flagon("lifetime")
    assert app.permanent_session_lifetime == timedelta(days=31)
    app.config["PERMANENT_SESSION_LIFETIME"] = 60
    assert app.permanent_session_lifetime == timedelta(seconds=60)


def test_config_changes_apply_to_later_requests(app, client):
    from flagon import current_app

    app.add_url_rule("/", "index", lambda: str(current_app.config["GREETING"]))
    app.config["GREETING"] = "hi"
    assert client.get("/").text == "hi"
    app.config["GREETING"] = "hello"
    assert client.get("/").text == "hello"


# -- loaders ---------------------------------------------------------------------------------------


class Settings:
    SECRET_KEY = "from-class"
    DEBUG = True
    lower_case = "ignored"
    _PRIVATE_LOOKING = "uppercase, so kept"


def test_from_object_loads_uppercase_attributes(tmp_path):
    config = Config(tmp_path)
    config.from_object(Settings)
    assert config["SECRET_KEY"] == "from-class"
    assert config["DEBUG"] is True
    assert "lower_case" not in config
    assert config["_PRIVATE_LOOKING"] == "uppercase, so kept"


def test_from_object_with_an_import_path(tmp_path, monkeypatch):
    module = types.ModuleType("flagon_test_settings")
    module.DATABASE = "sqlite://"
    module.helper = "ignored"
    monkeypatch.setitem(sys.modules, "flagon_test_settings", module)
    config = Config(tmp_path)
    config.from_object("flagon_test_settings")
    assert config == {"DATABASE": "sqlite://"}
    module.Settings = Settings
    config2 = Config(tmp_path)
    config2.from_object("flagon_test_settings:Settings")
    assert config2["SECRET_KEY"] == "from-class"


def test_from_pyfile(tmp_path):
    (tmp_path / "settings.py").write_text(
        "import os\nSECRET_KEY = 'py'\nVALUE = 1 + 1\nlocal = 3\n"
    )
    config = Config(tmp_path)
    assert config.from_pyfile("settings.py") is True
    assert config["SECRET_KEY"] == "py"
    assert config["VALUE"] == 2
    assert "local" not in config and "os" not in config


def test_from_pyfile_missing(tmp_path):
    config = Config(tmp_path)
    assert config.from_pyfile("missing.py", silent=True) is False
    with pytest.raises(OSError, match="Unable to load configuration file"):
        config.from_pyfile("missing.py")


def test_from_envvar(tmp_path, monkeypatch):
    (tmp_path / "env.py").write_text("FROM_ENV = 'yes'\n")
    config = Config(tmp_path)
    monkeypatch.setenv("FLAGON_TEST_SETTINGS", str(tmp_path / "env.py"))
    assert config.from_envvar("FLAGON_TEST_SETTINGS") is True
    assert config["FROM_ENV"] == "yes"


def test_from_envvar_unset(tmp_path, monkeypatch):
    monkeypatch.delenv("FLAGON_UNSET_SETTINGS", raising=False)
    config = Config(tmp_path)
    assert config.from_envvar("FLAGON_UNSET_SETTINGS", silent=True) is False
    with pytest.raises(RuntimeError, match="FLAGON_UNSET_SETTINGS"):
        config.from_envvar("FLAGON_UNSET_SETTINGS")


def test_from_file_json_and_toml(tmp_path):
    (tmp_path / "c.json").write_text(json.dumps({"A": 1, "lower": 2}))
    (tmp_path / "c.toml").write_text('B = "toml"\n')
    config = Config(tmp_path)
    assert config.from_file("c.json", load=json.load)
    assert config.from_file("c.toml", load=tomllib.load, text=False)
    assert config == {"A": 1, "B": "toml"}
    assert config.from_file("none.json", load=json.load, silent=True) is False
    with pytest.raises(OSError):
        config.from_file("none.json", load=json.load)


def test_from_mapping_keeps_uppercase_keys(tmp_path):
    config = Config(tmp_path)
    assert config.from_mapping({"A": 1, "b": 2}, C=3, d=4) is True
    assert config == {"A": 1, "C": 3}


def test_from_prefixed_env(tmp_path, monkeypatch):
    monkeypatch.setenv("FLAGON_SECRET_KEY", "env-secret")
    monkeypatch.setenv("FLAGON_MAX_CONTENT_LENGTH", "1024")
    monkeypatch.setenv("FLAGON_FEATURES", '["a", "b"]')
    monkeypatch.setenv("FLAGON_DB__HOST", "db.local")
    monkeypatch.setenv("FLAGON_DB__PORT", "5432")
    monkeypatch.setenv("OTHER_THING", "ignored")
    config = Config(tmp_path, {"DB": {"USER": "app"}})
    assert config.from_prefixed_env() is True
    assert config["SECRET_KEY"] == "env-secret"
    assert config["MAX_CONTENT_LENGTH"] == 1024
    assert config["FEATURES"] == ["a", "b"]
    assert config["DB"] == {"USER": "app", "HOST": "db.local", "PORT": 5432}
    assert "OTHER_THING" not in config


def test_from_prefixed_env_with_another_prefix(tmp_path, monkeypatch):
    monkeypatch.setenv("MYAPP_NAME", "x")
    config = Config(tmp_path)
    config.from_prefixed_env("MYAPP")
    assert config["NAME"] == "x"


def test_get_namespace(tmp_path):
    config = Config(tmp_path, {"IMAGE_STORE_TYPE": "fs", "IMAGE_STORE_PATH": "/img", "OTHER": 1})
    assert config.get_namespace("IMAGE_STORE_") == {"type": "fs", "path": "/img"}
    assert config.get_namespace("IMAGE_STORE_", lowercase=False) == {"TYPE": "fs", "PATH": "/img"}
    assert config.get_namespace("IMAGE_STORE_", trim_namespace=False) == {
        "image_store_type": "fs",
        "image_store_path": "/img",
    }


def test_instance_relative_config(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "settings.py").write_text("WHERE = 'instance'\n")
    app = Flagon("relative", instance_path=str(instance), instance_relative_config=True)
    app.config.from_pyfile("settings.py")
    assert app.config["WHERE"] == "instance"


def test_config_repr(tmp_path):
    assert repr(Config(tmp_path, {"A": 1})) == "<Config {'A': 1}>"
