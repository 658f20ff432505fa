"""Flask compatibility: after ``import flagon.compat``, ``import flask`` and ``import flask_login``
(with their submodules) give flagon's modules, with Flask's names: ``flask.Flask`` is
:class:`flagon.Flagon`, ``flask.testing.FlaskClient`` is :class:`flagon.testing.FlagonClient`,
``flask.cli.FlaskGroup`` is :class:`flagon.cli.FlagonGroup`…  Unmodified Flask extensions and
Flask code then run on flagon.

Import it before anything imports ``flask``: at the top of the app module, ``wsgi.py`` or
``conftest.py``. A real Flask installed alongside is never imported.
"""

from __future__ import annotations

from .finder import FlaskAlreadyImportedError as FlaskAlreadyImportedError
from .finder import install as install
from .finder import installed as installed
from .finder import uninstall as uninstall
from .modules import MODULES as MODULES

install()
