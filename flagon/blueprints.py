"""Blueprints: routes, hooks and handlers recorded now and applied to an app later.

A blueprint uses the same decorators as the application, but nothing reaches an app until
``app.register_blueprint(bp)``: each decorator records a *deferred function*, and registration
calls them all with a :class:`BlueprintSetupState` that knows the app, the URL prefix, the
subdomain and the name the blueprint is registered under. Routes become endpoints named
``"<blueprint>.<view>"`` (``"<parent>.<child>.<view>"`` when nested), and hooks and error
handlers are filed under that dotted name, so the app runs them only for the blueprint's
requests — a lookup by scope, nothing extra per request.
"""

from __future__ import annotations

import os
import typing as t
from collections import defaultdict
from functools import update_wrapper

from .lazy import cached_property
from .scaffold import Scaffold, _endpoint_from_view_func, _sentinel, setupmethod

if t.TYPE_CHECKING:
    from .app import Flagon
    from .cli import AppGroup

F = t.TypeVar("F", bound=t.Callable[..., t.Any])
DeferredSetupFunction = t.Callable[["BlueprintSetupState"], None]


def _join_url_prefix(prefix: str, rule: str) -> str:
    """``"/admin/"`` + ``"/users"`` → ``"/admin/users"``; an empty rule is the prefix itself."""
    if not rule:
        return prefix
    return f"{prefix.rstrip('/')}/{rule.lstrip('/')}"


class BlueprintSetupState:
    """What one registration of a blueprint on an app knows; passed to every deferred function.

    ``options`` are the keyword arguments given to ``register_blueprint``, so ``record``
    callbacks can read custom ones too.
    """

    def __init__(
        self,
        blueprint: Blueprint,
        app: Flagon,
        options: dict[str, t.Any],
        first_registration: bool,
    ) -> None:
        #: The application the blueprint is being registered on.
        self.app = app
        #: The blueprint being registered.
        self.blueprint = blueprint
        #: The keyword arguments given to ``register_blueprint``.
        self.options = options
        #: Whether this is the first time the blueprint is registered on this app (a blueprint
        #: may be registered several times under different names).
        self.first_registration = first_registration

        subdomain = options.get("subdomain")
        #: The subdomain the blueprint's routes match on, or ``None``.
        self.subdomain: str | None = blueprint.subdomain if subdomain is None else subdomain
        url_prefix = options.get("url_prefix")
        #: The path put before every rule of the blueprint, or ``None``.
        self.url_prefix: str | None = blueprint.url_prefix if url_prefix is None else url_prefix
        #: The (undotted) name this registration uses.
        self.name: str = options.get("name", blueprint.name)
        #: The dotted name of the parent blueprint, ``""`` at the top level.
        self.name_prefix: str = options.get("name_prefix", "")
        #: View arguments every route of this registration receives by default.
        self.url_defaults: dict[str, t.Any] = dict(blueprint.url_values_defaults)
        self.url_defaults.update(options.get("url_defaults", ()))

    @property
    def dotted_name(self) -> str:
        """The full name of this registration: ``"parent.child"``."""
        return f"{self.name_prefix}.{self.name}".lstrip(".")

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: t.Callable[..., t.Any] | None = None,
        **options: t.Any,
    ) -> None:
        """Add a rule to the app with the prefix, subdomain and defaults of this registration
        applied and the endpoint named ``"<dotted name>.<endpoint>"``."""
        if self.url_prefix is not None:
            rule = _join_url_prefix(self.url_prefix, rule)
        options.setdefault("subdomain", self.subdomain)
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)  # type: ignore[arg-type]
        # Always a dict, as Flask gives (``{}`` without defaults): extensions read it unchecked.
        defaults = {**self.url_defaults, **(options.pop("defaults", None) or {})}
        self.app.add_url_rule(
            rule,
            f"{self.dotted_name}.{endpoint}",
            view_func,
            defaults=defaults,
            **options,
        )


class Blueprint(Scaffold):
    """A group of routes, hooks, error handlers and templates to register on an app later.

    ``name`` prefixes every endpoint (``url_for("name.view")``); ``import_name`` (usually
    ``__name__``) locates the blueprint's folder for ``static_folder`` and ``template_folder``.
    ``url_prefix``, ``subdomain`` and ``url_defaults`` apply to all its routes and can be
    overridden when registering. ``cli_group`` names the command group of the blueprint's CLI
    commands (``None`` merges them into the app's group).
    """

    #: Set by the first registration; setup methods refuse afterwards.
    _got_registered_once = False

    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None,
        subdomain: str | None = None,
        url_defaults: dict[str, t.Any] | None = None,
        root_path: str | None = None,
        cli_group: str | None = _sentinel,  # type: ignore[assignment]
    ) -> None:
        super().__init__(
            import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if not name:
            raise ValueError("'name' may not be empty.")
        if "." in name:
            raise ValueError("'name' may not contain a dot '.' character.")
        self.name = name
        self.url_prefix = url_prefix
        self.subdomain = subdomain
        #: View arguments every route of the blueprint receives by default.
        self.url_values_defaults: dict[str, t.Any] = (
            url_defaults if url_defaults is not None else {}
        )
        #: The name of the CLI group for the blueprint's commands (default: the blueprint name).
        self.cli_group = cli_group
        #: Functions called with a :class:`BlueprintSetupState` at each registration.
        self.deferred_functions: list[DeferredSetupFunction] = []
        self._blueprints: list[tuple[Blueprint, dict[str, t.Any]]] = []

    @cached_property
    def cli(self) -> AppGroup:
        """The blueprint's click group: ``@bp.cli.command()`` commands join ``app.cli`` when the
        blueprint is registered (see ``cli_group``). Made on first use."""
        from .cli import AppGroup

        return AppGroup(self.name)

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_registered_once:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called on the blueprint"
                f" '{self.name}'. It has already been registered at least once, any changes will"
                " not be applied consistently.\nMake sure all imports, decorators, functions, etc."
                " needed to set up the blueprint are done before registering it."
            )

    # -- deferred registration ---------------------------------------------------------------------

    @setupmethod
    def record(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` each time the blueprint is registered on an app."""
        self.deferred_functions.append(func)

    @setupmethod
    def record_once(self, func: DeferredSetupFunction) -> None:
        """Like :meth:`record`, but only at the blueprint's first registration on each app."""

        def wrapper(state: BlueprintSetupState) -> None:
            if state.first_registration:
                func(state)

        self.record(update_wrapper(wrapper, func))

    def make_setup_state(
        self, app: Flagon, options: dict[str, t.Any], first_registration: bool = False
    ) -> BlueprintSetupState:
        """The state passed to deferred functions; override to use a subclass."""
        return BlueprintSetupState(self, app, options, first_registration)

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Nest ``blueprint`` in this one: its endpoints become ``"<self>.<child>.<view>"``, and
        URL prefixes and subdomains combine. Takes the options of ``app.register_blueprint``."""
        if blueprint is self:
            raise ValueError("Cannot register a blueprint on itself")
        self._blueprints.append((blueprint, options))

    def register(self, app: Flagon, options: dict[str, t.Any]) -> None:
        """Apply the blueprint to ``app`` (what ``app.register_blueprint`` calls): add the
        static route, file hooks and handlers under the dotted name, run the deferred functions,
        then register the nested blueprints."""
        self_name = options.get("name", self.name)
        if "." in self_name:
            raise ValueError("'name' may not contain a dot '.' character.")
        name = f"{options.get('name_prefix', '')}.{self_name}".lstrip(".")
        if name in app.blueprints:
            whose = "this" if app.blueprints[name] is self else "a different"
            existing_at = f" '{name}'" if self_name != name else ""
            raise ValueError(
                f"The name '{self_name}' is already registered for {whose}"
                f" blueprint{existing_at}. Use 'name=' to provide a unique name."
            )

        first_registration = not any(bp is self for bp in app.blueprints.values())
        app.blueprints[name] = self
        self._got_registered_once = True
        state = self.make_setup_state(app, options, first_registration)

        if self.has_static_folder:
            state.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                view_func=self.send_static_file,
                endpoint="static",
            )
        self._merge_blueprint_funcs(app, name)
        for deferred in self.deferred_functions:
            deferred(state)
        self._merge_cli_commands(app, name, options)
        for blueprint, child_options in self._blueprints:
            blueprint.register(app, self._child_options(state, blueprint, child_options, name))

    @staticmethod
    def _child_options(
        state: BlueprintSetupState, child: Blueprint, options: dict[str, t.Any], name: str
    ) -> dict[str, t.Any]:
        """A nested blueprint's options: subdomains and URL prefixes joined with the parent's."""
        options = dict(options)
        subdomain = options.get("subdomain")
        if subdomain is None:
            subdomain = child.subdomain
        if subdomain is not None and state.subdomain is not None:
            options["subdomain"] = f"{subdomain}.{state.subdomain}"
        elif subdomain is not None or state.subdomain is not None:
            options["subdomain"] = subdomain if subdomain is not None else state.subdomain

        url_prefix = options.get("url_prefix")
        if url_prefix is None:
            url_prefix = child.url_prefix
        if url_prefix is not None and state.url_prefix is not None:
            options["url_prefix"] = _join_url_prefix(state.url_prefix, url_prefix)
        elif url_prefix is not None or state.url_prefix is not None:
            options["url_prefix"] = url_prefix if url_prefix is not None else state.url_prefix
        options["name_prefix"] = name
        return options

    def _merge_blueprint_funcs(self, app: Flagon, name: str) -> None:
        """File the blueprint's hooks and handlers in the app under ``name``.

        Empty lists are skipped: the request path checks the app's hook dicts for emptiness
        to skip whole stages.
        """

        def scoped(key: str | None) -> str:
            return name if key is None else f"{name}.{key}"

        for key, by_code in self.error_handler_spec.items():
            app.error_handler_spec[scoped(key)] = defaultdict(
                dict, {code: dict(handlers) for code, handlers in by_code.items()}
            )
        for endpoint, func in self.view_functions.items():
            # ".view" names a view of this blueprint; a plain name is app-wide, as in Flask.
            app.view_functions[f"{name}{endpoint}" if endpoint[:1] == "." else endpoint] = func
        for bp_funcs, app_funcs in (
            (self.before_request_funcs, app.before_request_funcs),
            (self.after_request_funcs, app.after_request_funcs),
            (self.teardown_request_funcs, app.teardown_request_funcs),
            (self.url_default_functions, app.url_default_functions),
            (self.url_value_preprocessors, app.url_value_preprocessors),
            (self.template_context_processors, app.template_context_processors),
            (self.before_websocket_funcs, app.before_websocket_funcs),
        ):
            for key, funcs in bp_funcs.items():
                if funcs:
                    app_funcs.setdefault(scoped(key), []).extend(funcs)

    def _merge_cli_commands(self, app: Flagon, name: str, options: dict[str, t.Any]) -> None:
        """Add the blueprint's CLI commands to the app's: in a group named ``cli_group``
        (default: the blueprint's name), or straight into the app's group when it is ``None``."""
        cli = self.__dict__.get("cli")  # only made if the blueprint was given commands
        if cli is None or not cli.commands:
            return
        group = options.get("cli_group", self.cli_group)
        if group is None:
            app.cli.commands.update(cli.commands)
            return
        cli.name = name if group is _sentinel else group
        app.cli.add_command(cli)

    # -- routes ------------------------------------------------------------------------------------

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: t.Callable[..., t.Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Record a URL rule; at registration it gets the blueprint's URL prefix, and its
        endpoint the blueprint's name (see ``Flagon.add_url_rule``)."""
        if endpoint and "." in endpoint:
            raise ValueError("'endpoint' may not contain a dot '.' character.")
        if view_func is not None and "." in getattr(view_func, "__name__", ""):
            raise ValueError("'view_func' name may not contain a dot '.' character.")
        self.record(
            lambda state: state.add_url_rule(
                rule,
                endpoint,
                view_func,
                provide_automatic_options=provide_automatic_options,
                **options,
            )
        )

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> t.IO:
        """Open a file relative to the blueprint's root path, for reading."""
        if mode not in {"r", "rt", "rb"}:
            raise ValueError("Resources can only be opened for reading.")
        path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    # -- app-wide hooks ----------------------------------------------------------------------------

    def _record_app_hook(self, attribute: str, f: F) -> F:
        """At the first registration, add ``f`` to the app-scope list ``app.<attribute>``."""
        self.record_once(lambda state: getattr(state.app, attribute).setdefault(None, []).append(f))
        return f

    @setupmethod
    def before_app_request(self, f: F) -> F:
        """Like :meth:`before_request`, for every request of the app."""
        return self._record_app_hook("before_request_funcs", f)

    @setupmethod
    def before_app_websocket(self, f: F) -> F:
        """Like :meth:`before_websocket`, for every WebSocket connection of the app."""
        return self._record_app_hook("before_websocket_funcs", f)

    @setupmethod
    def after_app_request(self, f: F) -> F:
        """Like :meth:`after_request`, for every request of the app."""
        return self._record_app_hook("after_request_funcs", f)

    @setupmethod
    def teardown_app_request(self, f: F) -> F:
        """Like :meth:`teardown_request`, for every request of the app."""
        return self._record_app_hook("teardown_request_funcs", f)

    @setupmethod
    def app_context_processor(self, f: F) -> F:
        """Like :meth:`context_processor`, for every template the app renders."""
        return self._record_app_hook("template_context_processors", f)

    @setupmethod
    def app_url_value_preprocessor(self, f: F) -> F:
        """Like :meth:`url_value_preprocessor`, for every request of the app."""
        return self._record_app_hook("url_value_preprocessors", f)

    @setupmethod
    def app_url_defaults(self, f: F) -> F:
        """Like :meth:`url_defaults`, for every URL the app builds."""
        return self._record_app_hook("url_default_functions", f)

    @setupmethod
    def app_errorhandler(self, code: type[Exception] | int) -> t.Callable[[F], F]:
        """Like :meth:`errorhandler`, for errors of every request of the app."""

        def decorator(f: F) -> F:
            self.record_once(lambda state: state.app.register_error_handler(code, f))
            return f

        return decorator

    # -- app-wide template filters, tests and globals ----------------------------------------------

    @setupmethod
    def app_template_filter(self, name: str | None = None) -> t.Callable[[F], F]:
        """Register the decorated function as a filter for every template of the app."""

        def decorator(f: F) -> F:
            self.add_app_template_filter(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_app_template_filter(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        """The non-decorator form of :meth:`app_template_filter`."""
        self.record_once(lambda state: state.app.add_template_filter(f, name=name))

    @setupmethod
    def app_template_test(self, name: str | None = None) -> t.Callable[[F], F]:
        """Register the decorated function as a test for every template of the app."""

        def decorator(f: F) -> F:
            self.add_app_template_test(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_app_template_test(self, f: t.Callable[..., bool], name: str | None = None) -> None:
        """The non-decorator form of :meth:`app_template_test`."""
        self.record_once(lambda state: state.app.add_template_test(f, name=name))

    @setupmethod
    def app_template_global(self, name: str | None = None) -> t.Callable[[F], F]:
        """Register the decorated function as a global for every template of the app."""

        def decorator(f: F) -> F:
            self.add_app_template_global(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_app_template_global(self, f: t.Callable[..., t.Any], name: str | None = None) -> None:
        """The non-decorator form of :meth:`app_template_global`."""
        self.record_once(lambda state: state.app.add_template_global(f, name=name))
