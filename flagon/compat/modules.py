"""The table of aliases: which flagon module each ``flask`` and ``flask_login`` module is, and
the Flask names that flagon spells differently."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Alias:
    """The module ``name`` is the flagon module ``target`` (``None``: an empty package).

    ``renames`` maps a Flask name to the flagon object it stands for: ``"Name"`` in ``target``,
    or ``"module:Name"`` anywhere in flagon. Every other name is looked up in ``target``.
    """

    name: str
    target: str | None
    renames: t.Mapping[str, str] = field(default_factory=dict)


_TABLE = (
    Alias("flask", "flagon", {"Flask": "Flagon"}),
    Alias("flask.app", "flagon.app", {"Flask": "Flagon"}),
    Alias("flask.blueprints", "flagon.blueprints"),
    Alias("flask.cli", "flagon.cli", {"FlaskGroup": "FlagonGroup"}),
    Alias("flask.config", "flagon.config"),
    Alias("flask.ctx", "flagon.ctx"),
    Alias("flask.debughelpers", "flagon.debughelpers"),
    Alias("flask.globals", "flagon.globals"),
    Alias(
        "flask.helpers",
        "flagon.helpers",
        {
            "get_root_path": "flagon.scaffold:get_root_path",
            "get_template_attribute": "flagon.templating:get_template_attribute",
        },
    ),
    Alias("flask.json", "flagon.json"),
    Alias("flask.json.provider", "flagon.json.provider"),
    Alias("flask.json.tag", "flagon.json.tag"),
    Alias("flask.logging", "flagon.logging"),
    Alias("flask.sessions", "flagon.sessions"),
    Alias("flask.signals", "flagon.signals"),
    Alias("flask.templating", "flagon.templating"),
    Alias(
        "flask.testing",
        "flagon.testing",
        {"FlaskClient": "FlagonClient", "FlaskCliRunner": "FlagonCliRunner"},
    ),
    Alias("flask.typing", "flagon.typing"),
    Alias("flask.views", "flagon.views"),
    Alias("flask.wrappers", "flagon.wrappers"),
    Alias("flask.sansio", None),
    Alias("flask.sansio.app", "flagon.app", {"App": "Flagon"}),
    Alias("flask.sansio.blueprints", "flagon.blueprints"),
    Alias("flask.sansio.scaffold", "flagon.scaffold"),
    Alias("flask_login", "flagon.ext.login"),
    Alias("flask_login.config", "flagon.ext.login.config"),
    Alias("flask_login.login_manager", "flagon.ext.login.manager"),
    Alias("flask_login.mixins", "flagon.ext.login.mixins"),
    Alias("flask_login.signals", "flagon.ext.login.signals"),
    Alias("flask_login.test_client", "flagon.ext.login.testing"),
    Alias(
        "flask_login.utils",
        "flagon.ext.login.utils",
        {
            "decode_cookie": "flagon.ext.login.remember:decode_cookie",
            "encode_cookie": "flagon.ext.login.remember:encode_cookie",
            "expand_login_view": "flagon.ext.login.urls:expand_login_view",
            "login_url": "flagon.ext.login.urls:login_url",
            "make_next_param": "flagon.ext.login.urls:make_next_param",
            "set_login_view": "flagon.ext.login.urls:set_login_view",
            "_create_identifier": "flagon.ext.login.manager:create_identifier",
            "_user_context_processor": "flagon.ext.login.manager:_user_context_processor",
        },
    ),
)

#: Every aliased module, by its Flask name.
MODULES: dict[str, Alias] = {alias.name: alias for alias in _TABLE}

#: The top-level names the aliases take over: nothing under them is imported for real.
ROOTS = frozenset(name.partition(".")[0] for name in MODULES)

#: The aliased modules that have aliased submodules.
PACKAGES = frozenset(name.rpartition(".")[0] for name in MODULES if "." in name)
