"""bbs: a small, secure discussion forum built on flagon.

``create_app()`` builds the application; servers run ``gunicorn 'bbs:create_app()'`` and the
command line ``flagon --app bbs run``. Blueprints are imported and registered inside the
factory, so modules that import ``bbs`` never create an import cycle.
"""

from __future__ import annotations

import os
import typing as t

from flagon import Flagon
from flagon.middleware import ProxyFix


def create_app(
    config: t.Mapping[str, t.Any] | None = None, *, instance_path: str | None = None
) -> Flagon:
    """Build the forum application.

    ``config`` overrides every other setting source (see :mod:`bbs.config`); ``instance_path``
    (or ``BBS_INSTANCE_PATH``) is where the SQLite database and the generated secret key live.
    """
    instance_path = instance_path or os.environ.get("BBS_INSTANCE_PATH") or None
    if instance_path is not None:
        instance_path = os.path.abspath(instance_path)
    app = Flagon(__name__, instance_path=instance_path)
    os.makedirs(app.instance_path, exist_ok=True)

    from . import auth, cli, csrf, errors, i18n, mail, security, templating
    from . import config as settings
    from .db import db

    settings.configure(app, config)
    db.init_app(app)
    auth.init_app(app)
    security.init_app(app)  # before CSRF: refuse NUL characters before any form is checked
    csrf.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    i18n.init_app(app)
    cli.init_app(app)
    mail.init_app(app)

    from .accounts import bp as accounts
    from .main import bp as main

    app.register_blueprint(main)
    app.register_blueprint(accounts)
    from .users import bp as users

    app.register_blueprint(users)
    from .posts import bp as posts

    app.register_blueprint(posts)
    from .writing import bp as writing

    app.register_blueprint(writing)
    from .admin import bp as admin
    from .social import bp as social

    app.register_blueprint(social)
    app.register_blueprint(admin)
    from . import moderation

    moderation.init_app(app)
    from .topics import bp as topics

    app.register_blueprint(topics)
    from .notifications import bp as notifications

    app.register_blueprint(notifications)

    if app.config["PROXY_FIX"]:
        # Exactly one proxy (Nginx) in front: believe only the values it appended.
        # Wrapping wsgi_app in middleware, as Flask documents it.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1
        )
    return app
