"""WSGI middleware that wraps an application (or several)."""

from .dispatcher import DispatcherMiddleware

__all__ = ["DispatcherMiddleware"]
