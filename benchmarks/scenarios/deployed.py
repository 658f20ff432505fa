"""deployed: the hello app behind a reverse proxy, wrapped in ``ProxyFix`` as deployed.

The forum's production configuration wraps ``app.wsgi_app`` in ``ProxyFix`` trusting one hop
of ``X-Forwarded-For``, ``-Proto``, ``-Host`` and ``-Port``; this scenario serves the ``hello``
request as a proxy forwards it, with those four headers, to the ``hello`` apps wrapped that way:
flagon in ``flagon.middleware.ProxyFix``, Flask in Werkzeug's (both around ``app.wsgi_app``, the
documented idiom), Bottle and Falcon, which ship no such middleware, in Werkzeug's around the
whole app. Compared with ``hello``, it shows what the middleware costs each framework.
"""

from __future__ import annotations

from typing import Any

from benchmarks.scenario import Reply, Scenario, environ_factory, expect
from benchmarks.scenarios import hello

_PROXY_OPTIONS = {"x_for": 1, "x_proto": 1, "x_host": 1, "x_port": 1}


def flagon_app() -> Any:
    from flagon.middleware import ProxyFix

    app = hello.flagon_app()
    app.wsgi_app = ProxyFix(app.wsgi_app, **_PROXY_OPTIONS)
    return app


def flask_app() -> Any:
    from werkzeug.middleware.proxy_fix import ProxyFix

    app = hello.flask_app()
    app.wsgi_app = ProxyFix(app.wsgi_app, **_PROXY_OPTIONS)  # type: ignore[method-assign]
    return app


def bottle_app() -> Any:
    from werkzeug.middleware.proxy_fix import ProxyFix

    return ProxyFix(hello.bottle_app(), **_PROXY_OPTIONS)


def falcon_app() -> Any:
    from werkzeug.middleware.proxy_fix import ProxyFix

    return ProxyFix(hello.falcon_app(), **_PROXY_OPTIONS)


BUILDERS = {"flagon": flagon_app, "flask": flask_app, "bottle": bottle_app, "falcon": falcon_app}


def _check(reply: Reply) -> None:
    expect(reply, 200, body=b"Hello, world!")


SCENARIO = Scenario(
    name="deployed",
    description="hello behind ProxyFix (X-Forwarded-For/-Proto/-Host/-Port, one trusted hop)",
    make_environ=environ_factory(
        "GET",
        "/hello/world",
        query="a=1",
        headers={
            "X-Forwarded-For": "203.0.113.7",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "forum.example.org",
            "X-Forwarded-Port": "443",
        },
    ),
    check=_check,
    builders=BUILDERS,
)
