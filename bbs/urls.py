"""Absolute URLs, for what leaves the site (the links in Atom feeds).

With ``PUBLIC_URL`` (or ``SERVER_NAME``) configured, they name that host and scheme whatever
the request said; without, the request's (which ``TRUSTED_HOSTS`` or the proxy vouches for).
"""

from __future__ import annotations

import typing as t

from flagon import current_app, url_for


def absolute_url(endpoint: str, **values: t.Any) -> str:
    """The absolute URL of ``endpoint``, on the site's public host when one is configured."""
    config = current_app.config
    server_name = config["SERVER_NAME"]
    if not server_name:
        return url_for(endpoint, _external=True, **values)
    return f"{config['PREFERRED_URL_SCHEME']}://{server_name}{url_for(endpoint, **values)}"
