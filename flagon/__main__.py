"""``python -m flagon``: the ``flagon`` command."""

from __future__ import annotations

from .cli import main

main()
