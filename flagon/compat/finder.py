"""The import hook: a ``sys.meta_path`` finder, placed first, that answers the ``flask`` and
``flask_login`` imports with :class:`~flagon.compat.aliasing.AliasModule` aliases, and
:func:`install` / :func:`uninstall` to put it in place and take it away."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
import typing as t

from .aliasing import AliasModule
from .modules import MODULES, PACKAGES, ROOTS


class FlaskAlreadyImportedError(ImportError):
    """The real ``flask`` (or ``flask_login``) was imported before :mod:`flagon.compat`."""


class AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds and loads the modules of :data:`~flagon.compat.modules.MODULES`. Other names under
    ``flask`` and ``flask_login`` are not found: the alias packages have an empty ``__path__``,
    so nothing of a real Flask installed alongside is ever imported."""

    def find_spec(
        self,
        fullname: str,
        path: t.Sequence[str] | None = None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        alias = MODULES.get(fullname)
        if alias is None:
            return None
        return importlib.util.spec_from_loader(
            fullname, self, origin=alias.target or "flagon", is_package=fullname in PACKAGES
        )

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return AliasModule(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        alias = MODULES[module.__name__]
        target = importlib.import_module(alias.target) if alias.target else None
        module.__dict__["_flagon_alias"] = alias
        module.__dict__["_flagon_target"] = target
        module.__doc__ = f"``{alias.name}`` on flagon: the names of ``{alias.target or 'flagon'}``."


_finder = AliasFinder()


def _is_aliased(name: str) -> bool:
    return name.partition(".")[0] in ROOTS


def installed() -> bool:
    """Whether ``flask`` imports resolve to flagon in this process."""
    return _finder in sys.meta_path


def install() -> None:
    """Make ``import flask`` (and ``flask_login``) import flagon's modules from now on.

    Raises :class:`FlaskAlreadyImportedError` when the real modules were imported already:
    extensions holding the real Flask's objects can't be moved over to flagon.
    """
    if installed():
        return
    real = sorted(
        name
        for name, module in list(sys.modules.items())
        if _is_aliased(name) and module is not None and not isinstance(module, AliasModule)
    )
    if real:
        where = getattr(sys.modules[real[0]], "__file__", None) or "?"
        raise FlaskAlreadyImportedError(
            f"'{real[0]}' was imported before flagon.compat, from {where}. Import flagon.compat"
            " first (at the top of the app module, wsgi.py or conftest.py), before anything"
            " imports flask or a Flask extension.",
            name=real[0],
        )
    sys.meta_path.insert(0, _finder)


def uninstall() -> None:
    """Take the finder away and forget the aliases imported so far (for tests). Modules that
    imported names from them keep what they imported."""
    while _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    for name, module in list(sys.modules.items()):
        if isinstance(module, AliasModule):
            del sys.modules[name]
