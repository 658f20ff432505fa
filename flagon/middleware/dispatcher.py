"""Several WSGI applications in one process, each mounted under its own URL prefix."""

from __future__ import annotations

import typing as t

WSGIApp = t.Callable[[dict, t.Callable], t.Iterable[bytes]]


class DispatcherMiddleware:
    """Send each request to the application mounted at the longest matching path prefix.

    ``DispatcherMiddleware(frontend, {"/backend": backend})``: ``/backend/login`` reaches
    ``backend`` with ``SCRIPT_NAME`` extended by ``/backend`` and ``PATH_INFO`` ``/login``, so
    ``url_for`` in each app builds URLs under its own mount point.
    """

    def __init__(self, app: WSGIApp, mounts: dict[str, WSGIApp] | None = None) -> None:
        self.app = app
        self.mounts = mounts or {}

    def __call__(self, environ: dict, start_response: t.Callable) -> t.Iterable[bytes]:
        script = environ.get("PATH_INFO", "")
        path_info = ""
        while "/" in script:
            if script in self.mounts:
                app = self.mounts[script]
                break
            script, last_item = script.rsplit("/", 1)
            path_info = f"/{last_item}{path_info}"
        else:
            app = self.mounts.get(script, self.app)
        original_script_name = environ.get("SCRIPT_NAME", "")
        environ["SCRIPT_NAME"] = original_script_name + script
        environ["PATH_INFO"] = path_info
        return app(environ, start_response)
