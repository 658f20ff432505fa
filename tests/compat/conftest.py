"""Real Flask extensions on flagon: from here on ``flask`` and ``flask_login`` imports resolve
to flagon's modules, as in an application that starts with ``import flagon.compat``."""

import flagon.compat  # noqa: F401  - before any extension module is imported
