"""The language pages are shown in: chosen per request, with gettext for Python and Jinja.

A member's profile setting (``users.locale``) wins; otherwise the browser's Accept-Language
picks the first language the forum speaks; otherwise English. Catalogues live in
``bbs/translations`` (see ``make translations`` and docs/bbs.md, "Languages").
"""

from __future__ import annotations

import contextlib
import functools
import os
import typing as t
from contextvars import ContextVar
from gettext import NullTranslations

from babel.support import LazyProxy, Translations
from wtforms.i18n import get_translations as wtforms_translations

from flagon import g, has_request_context, request

if t.TYPE_CHECKING:
    from flagon import Flagon, Response

#: Every language the forum speaks: its locale name and its own name for itself.
LOCALES = {"en": "English", "zh_Hans": "简体中文"}
DEFAULT_LOCALE = "en"
TRANSLATIONS = os.path.join(os.path.dirname(__file__), "translations")
# The value of <html lang> for each locale (BCP 47).
_HTML_LANG = {"en": "en", "zh_Hans": "zh-Hans"}
# Accept-Language tags (lower case) that mean Simplified Chinese; Traditional does not.
_SIMPLIFIED = {"zh", "zh-cn", "zh-hans", "zh-sg", "zh-hans-cn", "zh-my"}
# WTForms' own messages ("This field is required.") in each locale, as WTForms names it.
_WTFORMS_LOCALE = {"zh_Hans": "zh"}
# What goes between two sentences: a space, but nothing after Chinese full-width punctuation.
_SENTENCE_GAP = {"zh_Hans": ""}
# Set by force_locale: words written for somebody other than the reader (a mail to a member).
_forced_locale: ContextVar[str | None] = ContextVar("bbs_forced_locale", default=None)


def locale_for_tag(tag: str) -> str | None:
    """The forum's locale for one Accept-Language tag, or None when it speaks no such
    language: ``zh``, ``zh-CN``, ``zh-Hans`` → ``zh_Hans``; ``en-GB`` → ``en``."""
    tag = tag.strip().lower().replace("_", "-")
    if tag in _SIMPLIFIED or tag.startswith("zh-hans-"):
        return "zh_Hans"
    if tag == "en" or tag.startswith("en-"):
        return "en"
    return None


def _choose_locale() -> str:
    from flagon.ext.login import current_user

    chosen = getattr(current_user, "locale", "") if current_user.is_authenticated else ""
    if chosen in LOCALES:
        return chosen
    g.locale_from_browser = True
    for tag, _quality in request.accept_languages:  # best first
        locale = locale_for_tag(tag)
        if locale is not None:
            return locale
    return DEFAULT_LOCALE


def get_locale() -> str:
    """The locale forced by :func:`force_locale`, else the current request's (English
    outside a request)."""
    forced = _forced_locale.get()
    if forced is not None:
        return forced
    if not has_request_context():
        return DEFAULT_LOCALE
    locale = g.get("locale")
    if locale is None:
        locale = g.locale = _choose_locale()
    return locale


@contextlib.contextmanager
def force_locale(locale: str | None) -> t.Iterator[None]:
    """Speak ``locale`` inside the block, whoever the request is for: what is written for
    another member (a mail) is in their language. ``None`` keeps the current choice; a
    locale the forum doesn't speak is English."""
    if locale is None:
        yield
        return
    token = _forced_locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)
    try:
        yield
    finally:
        _forced_locale.reset(token)


def member_locale(user: t.Any, default: str | None = DEFAULT_LOCALE) -> str | None:
    """The language to write to ``user`` in: their profile's choice, else ``default``
    (``None``: the current request's, when the member is the one asking)."""
    chosen = getattr(user, "locale", "")
    return chosen if chosen in LOCALES else default


def html_lang() -> str:
    return _HTML_LANG[get_locale()]


@functools.cache
def translations(locale: str) -> NullTranslations:
    """The catalogue for ``locale``, falling back to WTForms' own for its built-in messages."""
    if locale == DEFAULT_LOCALE:
        return NullTranslations()
    catalogue = Translations.load(TRANSLATIONS, [locale])
    wtforms_locale = _WTFORMS_LOCALE.get(locale)
    if wtforms_locale:
        catalogue.add_fallback(wtforms_translations([wtforms_locale]))
    return catalogue


def gettext(message: str, **variables: t.Any) -> str:
    text = translations(get_locale()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: t.Any) -> str:
    variables.setdefault("num", num)
    return translations(get_locale()).ngettext(singular, plural, num) % variables


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue where it is kept as a constant; ``gettext``
    translates it where it is shown."""
    return message


def lazy_gettext(message: str, **variables: t.Any) -> str:
    """A string translated when it is shown: for form labels and messages made at import.

    Typed as the text it stands for: a Babel ``LazyProxy`` acts as that string wherever one
    is expected (labels, messages, formatting)."""
    return t.cast(str, LazyProxy(gettext, message, enable_cache=False, **variables))


def sentences(*texts: str) -> str:
    """Translated sentences made one text, spaced as the language spaces them."""
    return _SENTENCE_GAP.get(get_locale(), " ").join(texts)


class FormTranslations:
    """What WTForms calls to translate its own messages (``Meta.get_translations``)."""

    def gettext(self, message: str) -> str:
        return translations(get_locale()).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations(get_locale()).ngettext(singular, plural, n)


def _vary_on_language(response: Response) -> Response:
    # Only responses whose words came from the browser's choice differ by Accept-Language.
    if g.get("locale_from_browser"):
        response.vary.add("Accept-Language")
    return response


def init_app(app: Flagon) -> None:
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: translations(get_locale()).gettext(message),
        lambda singular, plural, n: translations(get_locale()).ngettext(singular, plural, n),
        newstyle=True,
    )
    app.add_template_global(html_lang, "html_lang")
    app.add_template_global(get_locale, "get_locale")
    app.after_request(_vary_on_language)
