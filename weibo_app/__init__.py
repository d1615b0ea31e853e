"""weibo_app: a government-affairs microblog and feedback platform."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Flask

from .core import config as config_module
from .core.extensions import babel, csrf, db, limiter, login_manager, migrate

#: Feature blueprints, as "module:attribute". Order only matters for URL clashes.
BLUEPRINTS = (
    "weibo_app.auth.routes:bp",
    "weibo_app.posts.routes:bp",
    "weibo_app.posts.department_pages:bp",
    "weibo_app.threads.routes:bp",
    "weibo_app.threads.loop_routes:bp",
    "weibo_app.threads.record_routes:bp",
    "weibo_app.replies.routes:bp",
    "weibo_app.admin.department_staff_routes:bp",
    "weibo_app.dashboard.routes:bp",
    "weibo_app.admin.routes:bp",
    "weibo_app.audit.routes:bp",
    "weibo_app.search.routes:bp",
    "weibo_app.media.routes:bp",
    "weibo_app.review.routes:bp",
    "weibo_app.social.routes:bp",
    "weibo_app.notifications.routes:bp",
    "weibo_app.notifications.contact_routes:bp",
    "weibo_app.feeds.routes:bp",
    "weibo_app.moderation.routes:bp",
    "weibo_app.supervision.routes:bp",
    "weibo_app.disclosure.routes:bp",
    "weibo_app.reports.routes:bp",
    "weibo_app.api:bp",
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides every other settings layer."""
    app = Flask(
        __name__,
        instance_path=str(config_module.INSTANCE),
        instance_relative_config=True,
        template_folder=str(config_module.ROOT / "templates"),
        static_folder=str(config_module.ROOT / "static"),
    )
    configure_settings(app, config)
    configure_edge(app)
    configure_proxy(app)
    configure_database(app)
    configure_extensions(app)
    configure_security(app)
    configure_signals(app)
    configure_blueprints(app)
    configure_templates(app)
    configure_errors(app)
    configure_page_cache(app)
    configure_cli(app)
    return app


def configure_settings(app: Flask, config: Mapping[str, Any] | None) -> None:
    app.config.from_mapping(config_module.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(config_module.from_environment())
    if config:
        app.config.from_mapping(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    configure_secret_key(app)
    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
        # A Redis that hangs gives up within a second instead of holding the request.
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1})


def configure_secret_key(app: Flask) -> None:
    """A configured SECRET_KEY, else the one kept in ``instance/secret_key`` (made on first start)."""
    from pathlib import Path

    from .core import secretkey

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secretkey.load_or_create(Path(app.instance_path) / "secret_key")
    if app.config["SECRET_KEY"] in secretkey.PUBLISHED_KEYS:
        # A key anyone can read lets anyone forge a session.
        raise RuntimeError("SECRET_KEY is a published value: set another or unset it (see README: Configuration)")
    cap = timedelta(days=30)
    duration = app.config.get("REMEMBER_COOKIE_DURATION") or cap
    if not isinstance(duration, timedelta):
        duration = timedelta(seconds=int(duration))
    app.config["REMEMBER_COOKIE_DURATION"] = min(duration, cap)


def configure_edge(app: Flask) -> None:
    """Bounds on what a request may carry, before any route or view exists."""
    from .core import ids, jsonbody

    ids.register(app)
    jsonbody.register(app)


def configure_proxy(app: Flask) -> None:
    """Behind N reverse proxies (setting ``TRUSTED_PROXIES``), take the client's address
    and scheme from their headers, so per-address limits and HTTPS detection work."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def configure_database(app: Flask) -> None:
    from .core.dbsetup import prepare_engine_options

    prepare_engine_options(app)


def configure_extensions(app: Flask) -> None:
    from .auth import loader  # registers the user and request loaders
    from .core import i18n

    db.init_app(app)
    from .search.ddl import alembic_include_name

    migrate.init_app(
        app, db, directory=str(config_module.ROOT / "migrations"),
        render_as_batch=True, include_name=alembic_include_name,
    )
    login_manager.init_app(app)
    loader.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    limiter.init_app(app)

    from .core.dbsetup import install_sqlite_pragmas

    with app.app_context():
        install_sqlite_pragmas(db.engine)


def configure_security(app: Flask) -> None:
    from . import security

    security.init_app(app)


def configure_signals(app: Flask) -> None:
    """Features that react to domain events subscribe here, not as a side effect of an import."""
    from .metrics import marks, upkeep
    from .notifications import subscribers
    from .social import topics
    from .threads import operations as threads

    upkeep.connect()
    marks.connect()
    subscribers.connect()
    topics.connect()
    threads.connect()


def configure_blueprints(app: Flask) -> None:
    for target in BLUEPRINTS:
        module_name, attr = target.split(":")
        app.register_blueprint(getattr(importlib.import_module(module_name), attr))


def configure_templates(app: Flask) -> None:
    from .access import actions
    from .templating import register

    register(app)
    actions.register(app)


def configure_errors(app: Flask) -> None:
    from .core.errors import register

    register(app)


def configure_page_cache(app: Flask) -> None:
    from .core import fragments
    from .core.pagecache import register
    from .dashboard.table import table_rows
    from .metrics import memo
    from .posts.cards import card_foot, card_main, card_urls
    from .threads.cards import thread_card, thread_cards
    from .threads.inbox_rows import inbox_rows

    register(app)
    fragments.register(app)
    memo.register(app)
    app.add_template_global(card_main, "post_card_main")
    app.add_template_global(card_urls, "card_urls")
    app.add_template_global(card_foot, "post_card_foot")
    app.add_template_global(thread_card, "thread_card")
    app.add_template_global(thread_cards, "thread_cards")
    app.add_template_global(inbox_rows, "inbox_rows")
    app.add_template_global(table_rows, "dashboard_table_rows")


def configure_cli(app: Flask) -> None:
    from .cli import register

    register(app)
