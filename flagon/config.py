"""``app.config``: a dict of settings with loaders for objects, files, mappings and environment.

Only UPPERCASE keys are loaded from objects and files, so helper names and imports in a config
module never leak into the configuration.
"""

from __future__ import annotations

import errno
import json
import os
import types
import typing as t
from datetime import timedelta

#: The settings a new application starts with; ``Flagon.default_config`` refers to it.
DEFAULT_CONFIG: dict[str, t.Any] = {
    "DEBUG": None,
    "TESTING": False,
    "PROPAGATE_EXCEPTIONS": None,
    "SECRET_KEY": None,
    "SECRET_KEY_FALLBACKS": None,
    "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
    "USE_X_SENDFILE": False,
    "TRUSTED_HOSTS": None,
    "SERVER_NAME": None,
    "APPLICATION_ROOT": "/",
    "SESSION_COOKIE_NAME": "session",
    "SESSION_COOKIE_DOMAIN": None,
    "SESSION_COOKIE_PATH": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_PARTITIONED": False,
    "SESSION_COOKIE_SAMESITE": None,
    "SESSION_REFRESH_EACH_REQUEST": True,
    "MAX_CONTENT_LENGTH": None,
    "MAX_FORM_MEMORY_SIZE": 500_000,
    "MAX_FORM_PARTS": 1_000,
    "SEND_FILE_MAX_AGE_DEFAULT": None,
    "TRAP_BAD_REQUEST_ERRORS": None,
    "TRAP_HTTP_EXCEPTIONS": False,
    "EXPLAIN_TEMPLATE_LOADING": False,
    "PREFERRED_URL_SCHEME": "http",
    "TEMPLATES_AUTO_RELOAD": None,
    "MAX_COOKIE_SIZE": 4093,
    "PROVIDE_AUTOMATIC_OPTIONS": True,
    "PRESERVE_CONTEXT_ON_EXCEPTION": None,
    # Under ASGI, plain ``def`` views run in the loop's thread pool so that they can block.
    "ASGI_SYNC_VIEWS_IN_THREADS": True,
}


class ConfigAttribute:
    """Forwards an app attribute (``app.testing``) to a config key (``TESTING``)."""

    def __init__(self, name: str, get_converter: t.Callable[[t.Any], t.Any] | None = None) -> None:
        self.__name__ = name
        self.get_converter = get_converter

    def __get__(self, obj: t.Any, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        rv = obj.config[self.__name__]
        if self.get_converter is not None:
            rv = self.get_converter(rv)
        return rv

    def __set__(self, obj: t.Any, value: t.Any) -> None:
        obj.config[self.__name__] = value


class Config(dict):
    """Settings of one application; ``root_path`` anchors relative file names."""

    def __init__(self, root_path: str | os.PathLike[str], defaults: dict[str, t.Any] | None = None):
        super().__init__(defaults or {})
        self.root_path = root_path

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """Load the Python file named by an environment variable."""
        rv = os.environ.get(variable_name)
        if not rv:
            if silent:
                return False
            raise RuntimeError(
                f"The environment variable {variable_name!r} is not set and as such configuration"
                " could not be loaded. Set this variable and make it point to a configuration"
                " file"
            )
        return self.from_pyfile(rv, silent=silent)

    def from_prefixed_env(
        self, prefix: str = "FLAGON", *, loads: t.Callable[[str], t.Any] = json.loads
    ) -> bool:
        """Load ``FLAGON_*`` environment variables, values parsed as JSON when they parse.

        ``FLAGON_SECRET_KEY=x`` sets ``SECRET_KEY``; a double underscore walks into nested dicts:
        ``FLAGON_DB__HOST=db`` sets ``config["DB"]["HOST"]``. With the default prefix,
        ``FLASK_*`` variables are loaded too, and a ``FLAGON_`` one wins over its ``FLASK_``
        namesake.
        """
        prefixes = ("FLASK_", "FLAGON_") if prefix == "FLAGON" else (f"{prefix}_",)
        found = [(p, key) for p in prefixes for key in sorted(os.environ) if key.startswith(p)]
        for prefix, key in found:
            value: t.Any = os.environ[key]
            try:
                value = loads(value)
            except Exception:
                pass  # not JSON: keep the string
            key = key[len(prefix) :]
            if "__" not in key:
                self[key] = value
                continue
            current: dict[str, t.Any] = self
            *parts, tail = key.split("__")
            for part in parts:
                if part not in current:
                    current[part] = {}
                current = current[part]
            current[tail] = value
        return True

    def from_pyfile(self, filename: str | os.PathLike[str], silent: bool = False) -> bool:
        """Execute a Python file and load its uppercase names."""
        filename = os.path.join(self.root_path, filename)
        module = types.ModuleType("config")
        module.__file__ = filename
        try:
            with open(filename, mode="rb") as config_file:
                exec(compile(config_file.read(), filename, "exec"), module.__dict__)
        except OSError as e:
            if silent and e.errno in (errno.ENOENT, errno.EISDIR, errno.ENOTDIR):
                return False
            e.strerror = f"Unable to load configuration file ({e.strerror})"
            raise
        self.from_object(module)
        return True

    def from_object(self, obj: object | str) -> None:
        """Load the uppercase attributes of an object, class or module (or its import path)."""
        if isinstance(obj, str):
            from .helpers import import_string

            obj = import_string(obj)
        for key in dir(obj):
            if key.isupper():
                self[key] = getattr(obj, key)

    def from_file(
        self,
        filename: str | os.PathLike[str],
        load: t.Callable[[t.IO[t.Any]], t.Mapping[str, t.Any]],
        silent: bool = False,
        text: bool = True,
    ) -> bool:
        """Load a file with ``load`` (``json.load``, ``tomllib.load`` with ``text=False``…)."""
        filename = os.path.join(self.root_path, filename)
        try:
            with open(filename, "r" if text else "rb") as f:
                obj = load(f)
        except OSError as e:
            if silent and e.errno in (errno.ENOENT, errno.EISDIR):
                return False
            e.strerror = f"Unable to load configuration file ({e.strerror})"
            raise
        return self.from_mapping(obj)

    def from_mapping(self, mapping: t.Mapping[str, t.Any] | None = None, **kwargs: t.Any) -> bool:
        """Load the uppercase keys of a mapping and keyword arguments."""
        items: dict[str, t.Any] = {}
        if mapping is not None:
            items.update(mapping)
        items.update(kwargs)
        for key, value in items.items():
            if key.isupper():
                self[key] = value
        return True

    def get_namespace(
        self, namespace: str, lowercase: bool = True, trim_namespace: bool = True
    ) -> dict[str, t.Any]:
        """The keys starting with ``namespace`` (e.g. ``"IMAGE_STORE_"``) as a dict."""
        rv = {}
        for key, value in self.items():
            if not key.startswith(namespace):
                continue
            key = key[len(namespace) :] if trim_namespace else key
            rv[key.lower() if lowercase else key] = value
        return rv

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"
