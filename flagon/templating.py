"""Jinja2 templates: the environment bound to an application, the loader that searches the app's
and its blueprints' template folders, and the ``render_template`` family.

The environment is made on first use (``app.jinja_env``), so an application that never renders
pays nothing for templates.
"""

from __future__ import annotations

import re
import typing as t
from collections import ChainMap

import jinja2
from jinja2 import BaseLoader, TemplateNotFound, pass_environment
from jinja2 import Environment as BaseEnvironment
from jinja2.filters import do_title as _jinja_do_title
from jinja2.runtime import Context
from markupsafe import Markup, escape, soft_str

from .globals import _app_ctx_stack, _no_app_msg, _request_ctx_stack
from .signals import before_render_template, template_rendered

if t.TYPE_CHECKING:
    from .app import Flagon
    from .scaffold import Scaffold

__all__ = [
    "DispatchingJinjaLoader",
    "Environment",
    "Template",
    "htmlsafe_json_dumps",
    "render_template",
    "render_template_string",
    "stream_template",
    "stream_template_string",
    "tojson",
]

_Source = tuple[str, "str | None", "t.Callable[[], bool] | None"]
_app_get = _app_ctx_stack._get
_req_get = _request_ctx_stack._get
# What ``getattr`` can find on a plain dict; any other name can only be one of its keys.
_DICT_ATTRIBUTES = frozenset(dir(dict))


try:  # MarkupSafe's C escaping of a str, without wrapping the result in Markup
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - MarkupSafe without its compiled speedups

    def _escape_inner(s: str, /) -> str:
        return str(escape(s))


def escape_output(value: t.Any) -> t.Any:
    """What an autoescaped ``{{ value }}`` writes: the same text as ``markupsafe.escape``.

    Compiled templates call ``escape`` only on what they output, and only ever join the
    results (into a str, or a Markup for macros and blocks), so a str or a number needs no
    Markup object around its escaped text; that object costs more than the escaping itself.
    """
    cls = type(value)
    if cls is str:
        return _escape_inner(value)
    if cls is int or cls is float:
        return str(value)  # digits, signs, points, "inf" and "nan": nothing to escape
    return escape(value)


class Template(jinja2.Template):
    """A Jinja template that renders the same text as Jinja's, sooner.

    Its autoescaped output goes through :func:`escape_output`. And Jinja keeps a template's
    globals in a ``ChainMap`` over the environment's and copies it key by key at every render;
    when the template has no globals of its own, copying the environment's dict directly gives
    the same context several microseconds sooner.
    """

    @classmethod
    def from_code(
        cls,
        environment: BaseEnvironment,
        code: t.Any,
        globals: t.MutableMapping[str, t.Any],
        uptodate: t.Callable[[], bool] | None = None,
    ) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        # The compiled functions look ``escape`` up in their module's namespace at each call.
        namespace = template.root_render_func.__globals__
        if namespace.get("escape") is escape:
            namespace["escape"] = escape_output
        return template

    def new_context(
        self,
        vars: dict[str, t.Any] | None = None,
        shared: bool = False,
        locals: t.Mapping[str, t.Any] | None = None,
    ) -> Context:
        layers = self.globals
        if (
            shared
            or locals
            or type(layers) is not ChainMap
            or len(layers.maps) != 2
            or layers.maps[0]
        ):
            return super().new_context(vars, shared, locals)
        env_globals = layers.maps[1]
        parent = {**env_globals, **vars} if vars else dict(env_globals)
        return self.environment.context_class(
            self.environment, parent, self.name, self.blocks, globals=env_globals
        )


class Environment(BaseEnvironment):
    """A Jinja environment that belongs to one application.

    It loads templates through :meth:`Flagon.create_global_jinja_loader` unless given a loader.
    Unless ``auto_reload`` is set explicitly, whether changed templates are reloaded follows the
    app's :attr:`~Flagon.templates_auto_reload` (``TEMPLATES_AUTO_RELOAD``, else ``DEBUG``) at
    every lookup, so changing either setting later still takes effect.
    """

    template_class = Template

    def __init__(self, app: Flagon, **options: t.Any) -> None:
        if "loader" not in options:
            options["loader"] = app.create_global_jinja_loader()
        options.setdefault("auto_reload", None)
        self.app = app
        super().__init__(**options)
        self.filters["title"] = do_title

    @property
    def auto_reload(self) -> bool:
        """Whether a cached template is checked for changes on disk before each use."""
        fixed = self._auto_reload
        if fixed is not None:
            return fixed
        return self.app.templates_auto_reload

    @auto_reload.setter
    def auto_reload(self, value: bool | None) -> None:
        self._auto_reload = value

    def getattr(self, obj: t.Any, attribute: str) -> t.Any:
        """``obj.attribute`` in a template: the attribute, else the item.

        For a plain dict a name that is not a dict attribute goes straight to the item, instead
        of through a failed ``getattr`` (an exception per lookup, the slowest part of rendering
        rows of dicts); the result is the same.
        """
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


# A letter after a character that is neither a letter nor one of the characters ``title``
# starts words after: the one case where ``str.title`` differs from Jinja's filter on ASCII.
_TITLE_INNER_WORD_BREAK = re.compile(r"[^A-Za-z\-\s({\[<][A-Za-z]")


def do_title(value: t.Any) -> str:
    """The ``title`` filter, as Jinja's: each word (split at whitespace, ``-``, ``(``, ``{``,
    ``[`` and ``<``) starts upper case, the rest is lower case.

    Jinja splits and rebuilds the text word by word, over a microsecond per value; for ASCII
    text where only those characters start words (no ``o'clock``, ``2nd``), ``str.title``
    gives the same text in C. Anything else goes to Jinja's own filter.
    """
    text = soft_str(value)
    if text.isascii() and _TITLE_INNER_WORD_BREAK.search(text) is None:
        # str.title, not text.title(): a Markup's would return Markup, Jinja's returns str.
        return str.title(text)
    return _jinja_do_title(text)


class DispatchingJinjaLoader(BaseLoader):
    """Find a template in the application's folder first, then in each blueprint's, in
    registration order; the first folder holding the name wins."""

    def __init__(self, app: Flagon) -> None:
        self.app = app

    def get_source(self, environment: BaseEnvironment, template: str) -> _Source:
        if self.app.config["EXPLAIN_TEMPLATE_LOADING"]:
            return self._get_source_explained(environment, template)
        searched = []
        for _owner, loader in self._iter_loaders():
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                searched.append(loader)
        raise _not_found(template, searched)

    def _get_source_explained(self, environment: BaseEnvironment, template: str) -> _Source:
        """Try every loader and log what each one found (``EXPLAIN_TEMPLATE_LOADING``)."""
        attempts: list[tuple[Scaffold, BaseLoader, _Source | None]] = []
        for owner, loader in self._iter_loaders():
            try:
                source: _Source | None = loader.get_source(environment, template)
            except TemplateNotFound:
                source = None
            attempts.append((owner, loader, source))
        self.app.logger.info(_explain(self.app, template, attempts))
        for _owner, _loader, source in attempts:
            if source is not None:
                return source
        raise _not_found(template, [loader for _owner, loader, _source in attempts])

    def _iter_loaders(self) -> t.Iterator[tuple[Scaffold, BaseLoader]]:
        app = self.app
        loader = app.jinja_loader
        if loader is not None:
            yield app, loader
        for blueprint in app.iter_blueprints():
            loader = blueprint.jinja_loader
            if loader is not None:
                yield blueprint, loader

    def list_templates(self) -> list[str]:
        names: set[str] = set()
        for _owner, loader in self._iter_loaders():
            names.update(loader.list_templates())
        return sorted(names)


def _describe_loader(loader: BaseLoader) -> str:
    paths = getattr(loader, "searchpath", None)
    return ", ".join(map(repr, paths)) if paths else repr(loader)


def _not_found(template: str, searched: list[BaseLoader]) -> TemplateNotFound:
    """``TemplateNotFound`` whose message names the folders that were searched."""
    where = "; ".join(_describe_loader(loader) for loader in searched) or "no template folder"
    return TemplateNotFound(template, f"{template!r} was not found (searched: {where})")


def _explain(
    app: Flagon, template: str, attempts: list[tuple[Scaffold, BaseLoader, _Source | None]]
) -> str:
    """The ``EXPLAIN_TEMPLATE_LOADING`` report: which folders were tried, which matched."""
    lines = [f"Locating template {template!r}:"]
    found = 0
    for number, (owner, loader, source) in enumerate(attempts, 1):
        kind = "application" if owner is app else "blueprint"
        lines.append(f"{number:5}: trying loader of {kind} {owner.name!r}")
        lines.append(f"       searching {_describe_loader(loader)}")
        if source is None:
            lines.append("       -> no match")
        else:
            found += 1
            lines.append(f"       -> found ({source[1] or '<string>'!r})")
    if found == 0:
        lines.append("Error: the template could not be found.")
    elif found > 1:
        lines.append(
            "Warning: multiple loaders returned a match for the template; the first one is used."
        )
    node = _req_get(None)
    blueprint = node[0].request.blueprint if node is not None else None
    if blueprint is not None and found != 1:
        lines.append(
            f"  The template was looked up from an endpoint of the blueprint {blueprint!r}."
            " Maybe the template is not in that blueprint's template folder?"
        )
    return "\n".join(lines)


# -- JSON in templates ----------------------------------------------------------------------------


def htmlsafe_json_dumps(
    obj: t.Any, dumps: t.Callable[..., str] | None = None, **kwargs: t.Any
) -> Markup:
    """JSON for an HTML page: ``<``, ``>``, ``&`` and ``'`` become ``\\uXXXX`` escapes, so the
    result is safe inside ``<script>`` tags and single-quoted attributes, and is marked safe."""
    if dumps is None:
        from .json import dumps as json_dumps

        dumps = json_dumps
    text = dumps(obj, **kwargs)
    return Markup(
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )


@pass_environment
def tojson(environment: Environment, value: t.Any, indent: int | None = None) -> Markup:
    """The ``tojson`` template filter: ``value`` as HTML-safe JSON, written by the app's JSON
    provider (``app.json``: dates, UUIDs, dataclasses, Markup…).

    Options come from the ``json.dumps_kwargs`` policy, whose Jinja default sorts keys.
    """
    kwargs = environment.policies["json.dumps_kwargs"]
    if indent is not None:
        kwargs = {**kwargs, "indent": indent}
    return htmlsafe_json_dumps(value, environment.app.json.dumps, **kwargs)


# -- rendering ------------------------------------------------------------------------------------


def _current_app() -> Flagon:
    node = _app_get(None)
    if node is None:
        raise RuntimeError(_no_app_msg)
    return node[0].app


def _render(app: Flagon, template: jinja2.Template, context: dict[str, t.Any]) -> str:
    app.update_template_context(context)
    if before_render_template.receivers:
        before_render_template.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )
    rv = template.render(context)
    if template_rendered.receivers:
        template_rendered.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )
    return rv


def render_template(
    template_name_or_list: str | jinja2.Template | list[str | jinja2.Template], **context: t.Any
) -> str:
    """Render a template by name (from a list, the first that exists) with ``context``."""
    app = _current_app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _render(app, template, context)


def render_template_string(source: str, **context: t.Any) -> str:
    """Render template source code with ``context``; autoescaping is on."""
    app = _current_app()
    return _render(app, app.jinja_env.from_string(source), context)


def get_template_attribute(template_name: str, attribute: str) -> t.Any:
    """A macro (or variable) of a template, to call from Python:
    ``get_template_attribute("_macros.html", "pagination")(page)``."""
    return getattr(_current_app().jinja_env.get_template(template_name).module, attribute)


def _stream(app: Flagon, template: jinja2.Template, context: dict[str, t.Any]) -> t.Iterator[str]:
    app.update_template_context(context)
    if before_render_template.receivers:
        before_render_template.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )

    def generate() -> t.Iterator[str]:
        yield from template.generate(context)
        if template_rendered.receivers:
            template_rendered.send(
                app, _async_wrapper=app.ensure_sync, template=template, context=context
            )

    if _req_get(None) is None:
        return generate()
    # The response body is consumed after the view returned: keep the request context alive.
    from .helpers import stream_with_context

    return stream_with_context(generate())


def stream_template(
    template_name_or_list: str | jinja2.Template | list[str | jinja2.Template], **context: t.Any
) -> t.Iterator[str]:
    """Render a template piece by piece, as an iterator of strings to return from a view.

    In a request, the request context stays available until the stream is consumed.
    """
    app = _current_app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _stream(app, template, context)


def stream_template_string(source: str, **context: t.Any) -> t.Iterator[str]:
    """Render template source code piece by piece (see :func:`stream_template`)."""
    app = _current_app()
    return _stream(app, app.jinja_env.from_string(source), context)
