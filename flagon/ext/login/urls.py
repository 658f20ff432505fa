"""Login URLs and the ``next`` page to come back to, which is only ever a same-site path.

A ``next`` value comes from the visitor, so following it blindly is an open redirect:
``//evil.example``, ``/\\evil``, ``https://evil.example`` and ``javascript:`` all leave the site
in some browser. Only a path starting with a single ``/`` (or an absolute URL on a host the
application names) is accepted.
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from ...ctx import has_request_context
from ...globals import current_app, request, session
from ...helpers import url_for
from .config import USE_SESSION_FOR_NEXT

# Browsers drop tabs and newlines inside URLs and read "\" as "/", which turns "/\t/evil" or
# "/\evil" into "//evil"; no legitimate path needs them.
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\\]")


def is_safe_url(target: str | None, allowed_hosts: t.Iterable[str] = ()) -> bool:
    """Whether redirecting to ``target`` keeps the visitor on this site.

    True for paths like ``/a?b=c``; for absolute ``http(s)`` URLs only when their host (with its
    port, if any) is in ``allowed_hosts``. Everything else — other hosts, protocol-relative
    ``//host``, other schemes, backslashes, control characters — is unsafe.
    """
    if not target or not isinstance(target, str) or _UNSAFE_CHARACTERS.search(target):
        return False
    try:
        parts = urlsplit(target)
    except ValueError:
        return False
    if not parts.scheme and not parts.netloc:
        return target.startswith("/") and not target.startswith("//")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    return parts.netloc.lower() in {host.lower() for host in allowed_hosts}


@t.overload
def safe_next_url(
    target: str | None = None,
    default: str = ...,
    allowed_hosts: t.Iterable[str] = (),
    next_field: str = "next",
) -> str: ...
@t.overload
def safe_next_url(
    target: str | None, default: None, allowed_hosts: t.Iterable[str] = (), next_field: str = "next"
) -> str | None: ...
@t.overload
def safe_next_url(
    target: str | None = None,
    *,
    default: None,
    allowed_hosts: t.Iterable[str] = (),
    next_field: str = "next",
) -> str | None: ...
def safe_next_url(
    target: str | None = None,
    default: str | None = "/",
    allowed_hosts: t.Iterable[str] = (),
    next_field: str = "next",
) -> str | None:
    """Where to send a user after logging in: ``target`` if safe, else ``default``.

    Without ``target``, the request's ``next`` argument is used (or, with
    ``USE_SESSION_FOR_NEXT``, the ``next`` kept in the session, which is consumed).
    """
    if target is None:
        target = request.args.get(next_field)
        if target is None and current_app.config.get("USE_SESSION_FOR_NEXT", USE_SESSION_FOR_NEXT):
            target = session.pop("next", None)
    return target if is_safe_url(target, allowed_hosts) else default


def make_next_param(login_url: str, current_url: str) -> str:
    """``current_url`` without scheme and host when the login page is on the same site."""
    login_parts = urlsplit(login_url)
    current = urlsplit(current_url)
    if (not login_parts.scheme or login_parts.scheme == current.scheme) and (
        not login_parts.netloc or login_parts.netloc == current.netloc
    ):
        return urlunsplit(("", "", current.path, current.query, ""))
    return current_url


def expand_login_view(login_view: str) -> str:
    """The URL of ``login_view``: an endpoint name is built with ``url_for``, a URL kept."""
    if login_view.startswith(("https://", "http://", "/")):
        return login_view
    return url_for(login_view)


def _same_site_next(login_page: str, next_url: str) -> str | None:
    """``next_url`` as a value to pass to the login page, or ``None`` if it leaves the site.

    A full URL of the current host is shortened to its path when the login page is on the same
    site (as Flask-Login does); anything else must already be a safe path.
    """
    if is_safe_url(next_url):
        return next_url
    parts = urlsplit(next_url)
    if parts.scheme in ("http", "https") and has_request_context() and parts.netloc == request.host:
        shortened = make_next_param(login_page, next_url)
        if is_safe_url(shortened):
            return shortened
    return None


def login_url(login_view: str, next_url: str | None = None, next_field: str = "next") -> str:
    """The URL of the login page, with ``next_field=next_url`` when that is a same-site URL.

    An unsafe ``next_url`` is left out rather than passed on. ``FORCE_HOST_FOR_REDIRECTS`` sets
    the host of the returned URL.
    """
    base = expand_login_view(login_view)
    if next_url is None:
        return base
    next_value = _same_site_next(base, next_url)
    if next_value is None:
        return base
    parts = urlsplit(base)
    query = parse_qs(parts.query, keep_blank_values=True)
    query[next_field] = [next_value]
    netloc = current_app.config.get("FORCE_HOST_FOR_REDIRECTS") or parts.netloc
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, doseq=True)))


def set_login_view(login_view: str, blueprint: t.Any = None) -> None:
    """Set the login view of the current app, or of ``blueprint`` (in ``blueprint_login_views``)."""
    manager = current_app.extensions["login_manager"]
    views = manager.blueprint_login_views
    if blueprint is None and not views:
        manager.login_view = login_view
        return
    if blueprint is not None:
        views[blueprint.name] = login_view
    else:
        views[None] = login_view
    # Once per-blueprint views exist, the app-wide one lives under the key None.
    if manager.login_view is not None and None not in views:
        views[None] = manager.login_view
    manager.login_view = None
