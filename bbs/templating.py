"""What every forum template can use beyond flagon's defaults: date filters and site settings."""

from __future__ import annotations

import typing as t
from datetime import UTC, datetime

if t.TYPE_CHECKING:
    from flagon import Flagon


def format_datetime(value: datetime | None) -> str:
    """``2024-05-06 07:08 UTC``: unambiguous for readers in any time zone."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def iso_datetime(value: datetime | None) -> str:
    """The machine-readable form, for ``<time datetime=…>``."""
    return "" if value is None else value.astimezone(UTC).isoformat(timespec="seconds")


def init_app(app: Flagon) -> None:
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(iso_datetime, "isodatetime")
    app.add_template_global(app.config["SITE_NAME"], "site_name")
