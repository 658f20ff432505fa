"""The module type of the ``flask`` aliases: a module whose names are looked up, on each access,
in the flagon module it stands for."""

from __future__ import annotations

import importlib
import types
import typing as t

from .modules import MODULES, Alias


def _resolve(alias: Alias, spelling: str) -> t.Any:
    """The flagon object a rename names: ``"Name"`` in the alias's target, or ``"module:Name"``."""
    module, _, name = spelling.rpartition(":")
    return getattr(importlib.import_module(module or t.cast(str, alias.target)), name)


class AliasModule(types.ModuleType):
    """``flask.X`` as flagon: Flask's renamed names first, then the aliased submodules (so that
    ``flask.json`` is the alias ``flask.json`` even before it is imported), then the names of the
    flagon module. Nothing is copied, so a name added to or patched in flagon shows here too;
    a name set on the alias itself stays on the alias."""

    _flagon_alias: Alias
    _flagon_target: types.ModuleType | None

    def __getattr__(self, name: str) -> t.Any:
        alias = self.__dict__.get("_flagon_alias")
        if alias is None or (name.startswith("__") and name.endswith("__") and name != "__all__"):
            # Dunders (__path__, __file__…) belong to the alias, never to the flagon module.
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        if name == "__all__":
            return self._public_names()
        if name in alias.renames:
            return _resolve(alias, alias.renames[name])
        if f"{alias.name}.{name}" in MODULES:
            return importlib.import_module(f"{alias.name}.{name}")
        target = self.__dict__.get("_flagon_target")
        try:
            return getattr(target, name)
        except AttributeError:
            raise AttributeError(f"module {alias.name!r} has no attribute {name!r}") from None

    def __dir__(self) -> list[str]:
        names = set(self.__dict__) | set(self._public_names())
        if (target := self.__dict__.get("_flagon_target")) is not None:
            names.update(dir(target))
        return sorted(names)

    def _public_names(self) -> list[str]:
        """What ``from flask import *`` binds: the flagon module's public names (its ``__all__``,
        else the names without a leading underscore) and the Flask renames."""
        alias: Alias = self.__dict__["_flagon_alias"]
        target = self.__dict__.get("_flagon_target")
        names: t.Iterable[str] = ()
        if target is not None:
            names = getattr(target, "__all__", None) or [
                name for name in vars(target) if not name.startswith("_")
            ]
        renamed = (name for name in alias.renames if not name.startswith("_"))
        return list(dict.fromkeys((*names, *renamed)))
