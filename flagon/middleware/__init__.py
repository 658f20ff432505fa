"""WSGI middleware that wraps an application (or several)."""

from .dispatcher import DispatcherMiddleware
from .proxy_fix import ProxyFix

__all__ = ["DispatcherMiddleware", "ProxyFix"]
