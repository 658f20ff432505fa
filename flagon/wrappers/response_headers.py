"""The response headers Werkzeug's ``Response`` offers as attributes beyond caching: CORS,
``Age``, ``Retry-After``, ``Content-Security-Policy``, the cross-origin policies and
``WWW-Authenticate``. Each reads and writes ``response.headers``; nothing is stored elsewhere."""

from __future__ import annotations

import typing as t
from datetime import datetime, timedelta, timezone

from ..datastructures import CallbackDict, HeaderSet
from ..http import COEP, COOP, dump_header, http_date, parse_date, parse_dict_header, quote_header_value
from .caching import TextHeader


class ConvertedHeader:
    """A header read with ``load`` (``None`` when absent or unreadable, or ``default``) and
    written with ``dump``; assigning ``None`` removes it."""

    def __init__(self, name: str, load: t.Callable[[str], t.Any], dump: t.Callable[[t.Any], str],
                 default: t.Any = None) -> None:
        self.name, self.load, self.dump, self.default = name, load, dump, default
        self.__doc__ = f"The ``{name}`` header."

    def __get__(self, response: t.Any, owner: type | None = None) -> t.Any:
        if response is None:
            return self
        value = response.headers.get(self.name)
        if value is None:
            return self.default
        try:
            return self.load(value)
        except (ValueError, TypeError):
            return self.default

    def __set__(self, response: t.Any, value: t.Any) -> None:
        if value is None:
            response.headers.remove(self.name)
        else:
            response.headers[self.name] = self.dump(value)


def _load_age(value: str) -> timedelta | None:
    seconds = int(value)
    return timedelta(seconds=seconds) if seconds >= 0 else None


def _dump_age(value: timedelta | int) -> str:
    seconds = int(value.total_seconds()) if isinstance(value, timedelta) else int(value)
    if seconds < 0:
        raise ValueError("age cannot be negative")
    return str(seconds)


def _load_set(value: str) -> HeaderSet:
    return HeaderSet.from_header(value)


def _dump_set(value: t.Iterable[str] | str) -> str:
    return value if isinstance(value, str) else dump_header(value)


class ContentSecurityPolicy(CallbackDict):
    """The directives of a ``Content-Security-Policy`` header; ``csp.script_src = "'self'"``
    (dashes become underscores). ``str()`` gives the header value."""

    def to_header(self) -> str:
        return "; ".join(f"{key} {value}" for key, value in self.items())

    @classmethod
    def from_header(cls, value: str | None, on_update: t.Callable[[t.Any], None] | None = None
                    ) -> ContentSecurityPolicy:
        items = []
        for policy in (value or "").split(";"):
            directive, space, rest = policy.strip(" \t").partition(" ")
            if space:  # a directive without a value is malformed: ignored, as Werkzeug does
                items.append((directive, rest.strip(" \t")))
        return cls(items, on_update)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        items = " ".join(f"{key}={value!r}" for key, value in sorted(self.items()))
        return f"<{type(self).__name__} {items}>"


def _csp_directive(key: str) -> property:
    def fset(csp: ContentSecurityPolicy, value: str | None) -> None:
        if value is None:
            csp.pop(key, None)
        else:
            csp[key] = value

    return property(lambda csp: csp.get(key), fset, lambda csp: csp.pop(key, None), f"``{key}``.")


for _key in (
    "base-uri child-src connect-src default-src font-src form-action frame-ancestors frame-src"
    " img-src manifest-src media-src navigate-to object-src prefetch-src plugin-types report-to"
    " report-uri sandbox script-src script-src-attr script-src-elem style-src style-src-attr"
    " style-src-elem worker-src upgrade-insecure-requests"
).split():
    setattr(ContentSecurityPolicy, _key.replace("-", "_"), _csp_directive(_key))


class CSPHeader:
    """A CSP header as a :class:`ContentSecurityPolicy` (empty when absent); changing it
    rewrites the header. Assign a policy, a string or ``None``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.__doc__ = f"The ``{name}`` header as a ContentSecurityPolicy."

    def __get__(self, response: t.Any, owner: type | None = None) -> t.Any:
        if response is None:
            return self
        headers, name = response.headers, self.name

        def on_update(csp: ContentSecurityPolicy) -> None:
            if csp:
                headers[name] = csp.to_header()
            else:
                headers.remove(name)

        return ContentSecurityPolicy.from_header(headers.get(name), on_update)

    def __set__(self, response: t.Any, value: ContentSecurityPolicy | str | None) -> None:
        if not value:
            response.headers.remove(self.name)
        else:
            response.headers[self.name] = value if isinstance(value, str) else value.to_header()


class WWWAuthenticate:
    """A ``WWW-Authenticate`` challenge: a scheme with parameters (``realm``…) or a token.

    ``auth["realm"]`` and ``auth.realm`` read and write the parameters.
    """

    _fields = frozenset({"_type", "_parameters", "_token", "_on_update"})

    def __init__(self, auth_type: str, values: t.Mapping[str, str | None] | None = None,
                 token: str | None = None) -> None:
        self._type = auth_type.lower()
        self._parameters = CallbackDict(values, lambda _: self._changed())
        self._token = token
        self._on_update: t.Callable[[WWWAuthenticate], None] | None = None

    def _changed(self) -> None:
        if self._on_update is not None:
            self._on_update(self)

    @property
    def type(self) -> str:
        return self._type

    @type.setter
    def type(self, value: str) -> None:
        self._type = value
        self._changed()

    @property
    def parameters(self) -> dict[str, str | None]:
        return self._parameters

    @parameters.setter
    def parameters(self, value: t.Mapping[str, str | None]) -> None:
        self._parameters = CallbackDict(value, lambda _: self._changed())
        self._changed()

    @property
    def token(self) -> str | None:
        return self._token

    @token.setter
    def token(self, value: str | None) -> None:
        self._token = value
        self._changed()

    def __getitem__(self, key: str) -> str | None:
        return self._parameters.get(key)

    def __setitem__(self, key: str, value: str | None) -> None:
        if value is None:
            self._parameters.pop(key, None)
        else:
            self._parameters[key] = value

    def __delitem__(self, key: str) -> None:
        self._parameters.pop(key, None)

    def __getattr__(self, name: str) -> str | None:
        if name.startswith("_"):  # never a parameter; keeps copy and pickle from recursing
            raise AttributeError(name)
        return self[name]

    def __setattr__(self, name: str, value: t.Any) -> None:
        if name in self._fields or name in ("type", "parameters", "token"):
            object.__setattr__(self, name, value)
        else:
            self[name] = value

    def __contains__(self, key: str) -> bool:
        return key in self._parameters

    def get(self, key: str, default: str | None = None) -> str | None:
        return self._parameters.get(key, default)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WWWAuthenticate):
            return NotImplemented
        return (self.type, self.token, self.parameters) == (other.type, other.token, other.parameters)

    @classmethod
    def from_header(cls, value: str | None) -> WWWAuthenticate | None:
        """Parse ``Basic realm="x"`` or ``Bearer <token>``; ``None`` for an empty value."""
        if not value:
            return None
        scheme, _, rest = value.partition(" ")
        rest = rest.strip(" \t")
        if "=" in rest.rstrip("="):  # an "=" that is not token padding: parameters
            return cls(scheme, parse_dict_header(rest))
        return cls(scheme, None, rest or None)

    def to_header(self) -> str:
        if self.token is not None:
            return f"{self.type.title()} {self.token}"
        if not self.parameters:
            return self.type.title()
        if self.type == "digest":
            # These Digest parameters are always quoted (RFC 7616).
            quoted = {"realm", "domain", "nonce", "opaque", "qop"}
            items = ", ".join(
                f"{key}={quote_header_value(value, allow_token=key not in quoted)}"
                for key, value in self.parameters.items()
            )
            return f"Digest {items}"
        return f"{self.type.title()} {dump_header(self.parameters)}"

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()}>"


class ResponseHeadersMixin:
    """Header attributes mixed into :class:`~flagon.Response`."""

    headers: t.Any

    content_encoding = TextHeader("Content-Encoding")
    content_location = TextHeader("Content-Location")
    content_md5 = TextHeader("Content-MD5")
    age = ConvertedHeader("Age", _load_age, _dump_age)
    content_security_policy = CSPHeader("Content-Security-Policy")
    content_security_policy_report_only = CSPHeader("Content-Security-Policy-Report-Only")
    cross_origin_opener_policy = ConvertedHeader(
        "Cross-Origin-Opener-Policy", COOP, lambda value: COOP(value).value, COOP.UNSAFE_NONE
    )
    cross_origin_embedder_policy = ConvertedHeader(
        "Cross-Origin-Embedder-Policy", COEP, lambda value: COEP(value).value, COEP.UNSAFE_NONE
    )

    # -- CORS ------------------------------------------------------------------------------------

    access_control_allow_origin = TextHeader("Access-Control-Allow-Origin")
    # As in Werkzeug these read None when absent; assign a list of names or a string.
    access_control_allow_headers = ConvertedHeader("Access-Control-Allow-Headers", _load_set, _dump_set)
    access_control_allow_methods = ConvertedHeader("Access-Control-Allow-Methods", _load_set, _dump_set)
    access_control_expose_headers = ConvertedHeader("Access-Control-Expose-Headers", _load_set, _dump_set)
    access_control_max_age = ConvertedHeader("Access-Control-Max-Age", int, str)

    @property
    def access_control_allow_credentials(self) -> bool:
        """Whether ``Access-Control-Allow-Credentials`` is sent; assign ``True`` to send it."""
        return "Access-Control-Allow-Credentials" in self.headers

    @access_control_allow_credentials.setter
    def access_control_allow_credentials(self, value: bool | None) -> None:
        if value is True:
            self.headers["Access-Control-Allow-Credentials"] = "true"
        else:
            self.headers.remove("Access-Control-Allow-Credentials")

    # -- Retry-After, WWW-Authenticate -------------------------------------------------------------

    @property
    def retry_after(self) -> datetime | None:
        """``Retry-After`` as an aware datetime (seconds count from now); assign a datetime,
        a number of seconds, a string or ``None``."""
        value = self.headers.get("Retry-After")
        if value is None:
            return None
        try:
            seconds = int(value)
        except ValueError:
            return parse_date(value)
        return datetime.now(timezone.utc) + timedelta(seconds=seconds)

    @retry_after.setter
    def retry_after(self, value: datetime | int | str | None) -> None:
        if value is None:
            self.headers.remove("Retry-After")
        else:
            self.headers["Retry-After"] = http_date(value) if isinstance(value, datetime) else str(value)

    @property
    def www_authenticate(self) -> WWWAuthenticate:
        """The first ``WWW-Authenticate`` challenge (a ``basic`` one when absent); changing it
        rewrites the header. Assign a challenge, a list of them (several headers) or ``None``."""
        value = WWWAuthenticate.from_header(self.headers.get("WWW-Authenticate"))
        if value is None:
            value = WWWAuthenticate("basic")
        self._watch_www_authenticate(value)
        return value

    @www_authenticate.setter
    def www_authenticate(self, value: WWWAuthenticate | list[WWWAuthenticate] | None) -> None:
        if not value:
            self.headers.remove("WWW-Authenticate")
        elif isinstance(value, list):
            self.headers["WWW-Authenticate"] = value[0].to_header()
            for item in value[1:]:
                self.headers.add("WWW-Authenticate", item.to_header())
        else:
            self.headers["WWW-Authenticate"] = value.to_header()
            self._watch_www_authenticate(value)

    @www_authenticate.deleter
    def www_authenticate(self) -> None:
        self.headers.remove("WWW-Authenticate")

    def _watch_www_authenticate(self, value: WWWAuthenticate) -> None:
        def on_update(changed: WWWAuthenticate) -> None:
            self.www_authenticate = changed

        value._on_update = on_update

