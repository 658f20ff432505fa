"""What every forum template can use beyond flagon's defaults: date filters and site settings."""

from __future__ import annotations

import typing as t
from datetime import UTC, datetime

from .i18n import gettext, ngettext
from .models import utcnow

if t.TYPE_CHECKING:
    from flagon import Flagon

# (the age it applies below, in seconds; the unit's length; its name). bbs/static/times.js
# words the same ages the same way, so a page reads alike before and after it runs.
_UNITS = (
    (3600, 60, "min"),
    (86400, 3600, "hour"),
    (30 * 86400, 86400, "day"),
)
_AGO = {
    "min": lambda n: ngettext("%(num)d min ago", "%(num)d min ago", n),
    "hour": lambda n: ngettext("%(num)d hour ago", "%(num)d hours ago", n),
    "day": lambda n: ngettext("%(num)d day ago", "%(num)d days ago", n),
}


def format_datetime(value: datetime | None) -> str:
    """``2024-05-06 07:08 UTC``: unambiguous for readers in any time zone."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def iso_datetime(value: datetime | None) -> str:
    """The machine-readable form, for ``<time datetime=…>``: ``2024-05-06T07:08:09Z``."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def relative_datetime(value: datetime | None, now: datetime | None = None) -> str:
    """How long ago ``value`` was, as people say it: ``just now``, ``3 min ago``,
    ``2 hours ago``, ``5 days ago``; the date (``2024-05-06``) after a month, when a
    count of days says little."""
    if value is None:
        return ""
    seconds = ((now or utcnow()) - value).total_seconds()
    if seconds < 60:
        return gettext("just now")  # a little in the future too: clocks differ
    for limit, length, name in _UNITS:
        if seconds < limit:
            return _AGO[name](int(seconds // length))
    return value.astimezone(UTC).strftime("%Y-%m-%d")


def relative_time_words() -> dict[str, t.Any]:
    """How bbs/static/times.js words ages in the current language, as relative_datetime
    does: ``now``, and for each unit its ``one`` and ``other`` forms, ``{num}`` standing for
    the count."""
    words: dict[str, t.Any] = {"now": gettext("just now"), "units": []}
    for limit, length, name in _UNITS:
        # The count is the only digit in these phrases.
        one, other = (_AGO[name](n).replace(str(n), "{num}", 1) for n in (1, 2))
        words["units"].append({"below": limit, "length": length, "one": one, "other": other})
    return words


def init_app(app: Flagon) -> None:
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(iso_datetime, "isodatetime")
    app.add_template_filter(relative_datetime, "relativedatetime")
    app.add_template_global(relative_time_words, "relative_time_words")
    app.add_template_global(app.config["SITE_NAME"], "site_name")
