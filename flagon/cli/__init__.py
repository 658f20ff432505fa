"""The ``flagon`` command: finds the application, then runs ``run``, ``routes``, ``shell`` and the
commands the app and its blueprints add to ``app.cli``.

``flagon --app MODULE[:NAME | :FACTORY(ARGS)] COMMAND``; ``FLAGON_APP`` (or Flask's
``FLASK_APP``) does the same as ``--app``, and without either ``wsgi.py`` or ``app.py`` in the
current folder is used.
"""

from __future__ import annotations

from .commands import SeparatedPathType as SeparatedPathType
from .commands import routes_command as routes_command
from .commands import run_command as run_command
from .commands import shell_command as shell_command
from .commands import show_server_banner as show_server_banner
from .discovery import NoAppException as NoAppException
from .discovery import ScriptInfo as ScriptInfo
from .discovery import find_app_by_string as find_app_by_string
from .discovery import find_best_app as find_best_app
from .discovery import get_debug_flag as get_debug_flag
from .discovery import get_load_dotenv as get_load_dotenv
from .discovery import load_dotenv as load_dotenv
from .discovery import locate_app as locate_app
from .discovery import prepare_import as prepare_import
from .groups import AppGroup as AppGroup
from .groups import FlagonGroup as FlagonGroup
from .groups import get_version as get_version
from .groups import pass_script_info as pass_script_info
from .groups import version_option as version_option
from .groups import with_appcontext as with_appcontext

cli = FlagonGroup(
    name="flagon",
    help="""\
A general utility script for flagon applications.

The application to load is given with the '--app' option, the 'FLAGON_APP' (or 'FLASK_APP')
environment variable, or found in a 'wsgi.py' or 'app.py' file in the current directory.
""",
)


def main() -> None:
    """The ``flagon`` console script."""
    cli.main()
