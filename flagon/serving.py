"""The development server: the app served by waitress, a production-grade pure-Python server."""

from __future__ import annotations

import typing as t


def run_simple(
    host: str,
    port: int,
    app: t.Callable,
    *,
    threads: int = 8,
    **options: t.Any,
) -> None:
    """Serve ``app`` on ``host:port`` until interrupted."""
    import waitress

    print(f" * Serving on http://{host}:{port} (press CTRL+C to quit)", flush=True)
    waitress.serve(app, host=host, port=port, threads=threads, **options)
