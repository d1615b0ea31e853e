"""Every rate limit of the site, by name, in one place.

Each limit counts per address and, where someone is signed in (a session or
an API token), per account too, so neither a botnet on one account nor one
address cycling accounts gets past it. Accounts younger than a day get the
lower ``*_NEW`` figures. Limits live in Redis when ``REDIS_URL`` is set and in
memory otherwise (``configure_settings``); an operator may override any figure
with a ``RATELIMIT_<NAME>`` setting, e.g. ``RATELIMIT_THREAD = "5 per hour"``.

What a limit counts is part of its definition (``COUNTS_ATTEMPTS``): limits
that slow down guessing (logins, password changes, sign-ups probing names)
count every attempt, and so does the API's budget of calls; every other limit counts only what succeeded, so a form
sent back with a validation error, a refused action or a server error does
not use up anyone's allowance. Success is the response's status (below 400),
judged after the view ran: one rule for the pages and the API alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask, current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..core.clock import utcnow
from ..core.errors import retry_after_seconds
from ..core.extensions import limiter

#: Default figures; ``*_NEW`` apply during an account's first day.
LIMITS: dict[str, str] = {
    "LOGIN_ADDRESS": "20 per minute;100 per hour",
    "LOGIN_ACCOUNT": "10 per minute",
    "REGISTER": "5 per hour;20 per day",
    "PASSWORD": "10 per hour",
    "THREAD": "10 per hour;50 per day",
    "THREAD_NEW": "3 per hour;10 per day",
    "THREAD_ADDRESS": "30 per hour",
    "REPLY": "30 per hour",
    "REPLY_NEW": "10 per hour",
    "REPLY_ADDRESS": "60 per hour",
    "FLAG": "20 per hour",
    "FLAG_NEW": "5 per hour",
    "FLAG_ADDRESS": "60 per hour",
    "API": "300 per minute",
}

NEW_ACCOUNT_AGE = timedelta(days=1)

#: Limits whose point is to slow down guessing (a failed try counts as much as a good
#: one) and the API's budget of calls (a load limit: every call costs the server).
COUNTS_ATTEMPTS = frozenset({"LOGIN_ADDRESS", "LOGIN_ACCOUNT", "PASSWORD", "REGISTER", "API"})


def succeeded(response) -> bool:
    """Whether a limited request used up its allowance: only what the view carried out counts."""
    return response.status_code < 400


def _deduct_when(name: str):
    """The ``deduct_when`` of limit ``name``: None (every attempt) or only successes."""
    return None if name in COUNTS_ATTEMPTS else succeeded


def figure(name: str) -> str:
    """The limit string in force for ``name`` (a setting may override the default)."""
    return current_app.config.get(f"RATELIMIT_{name}") or LIMITS[name]


# ----- who is asking -------------------------------------------------------

def _account():
    """The signed-in user (a session, or a bearer token in the API), or None."""
    return current_user if current_user and current_user.is_authenticated else None


def by_address() -> str:
    return f"addr:{get_remote_address() or 'unknown'}"


def by_account() -> str:
    user = _account()
    return f"user:{user.id}" if user is not None else by_address()


def no_account() -> bool:
    return _account() is None


def by_login_name() -> str:
    """The account a login attempt names (form field or HTTP Basic), lower-cased."""
    name = request.form.get("username") if request.form else None
    if not name and request.authorization:
        name = request.authorization.username
    return f"login:{(name or '').strip().lower()[:40]}"


def is_new_account() -> bool:
    user = _account()
    return bool(user is not None and user.created_at and utcnow() - user.created_at < NEW_ACCOUNT_AGE)


def _per_account(name: str) -> Callable[[], str]:
    """A dynamic limit: the ``_NEW`` figure during the account's first day."""

    def provider() -> str:
        return figure(f"{name}_NEW") if is_new_account() else figure(name)

    provider.__name__ = f"limit_{name.lower()}"
    return provider


# ----- the named limits (decorators for views) ----------------------------

def _not_post() -> bool:
    return request.method != "POST"


def _pair(name: str):
    """Per-account (first-day aware) and per-address limits as one decorator.

    Shared limits: every view carrying the decorator (UI and API) draws on
    the same counters, so switching from the page to the API gains nothing.
    """
    scope = name.lower()

    def account_exempt() -> bool:
        return _not_post() or no_account()

    per_account = limiter.shared_limit(_per_account(name), scope=scope, key_func=by_account,
                                       exempt_when=account_exempt, override_defaults=False,
                                       deduct_when=_deduct_when(name))
    per_address = limiter.shared_limit(lambda: figure(f"{name}_ADDRESS"), scope=f"{scope}-address",
                                       key_func=by_address, exempt_when=_not_post, override_defaults=False,
                                       deduct_when=_deduct_when(f"{name}_ADDRESS"))

    def decorate(view):
        return per_address(per_account(view))

    return decorate


_login_per_name = limiter.shared_limit(lambda: figure("LOGIN_ACCOUNT"), scope="login", key_func=by_login_name,
                                       exempt_when=_not_post, override_defaults=False,
                                       deduct_when=_deduct_when("LOGIN_ACCOUNT"))
_login_per_address = limiter.shared_limit(lambda: figure("LOGIN_ADDRESS"), scope="login-address",
                                          key_func=by_address, exempt_when=_not_post, override_defaults=False,
                                          deduct_when=_deduct_when("LOGIN_ADDRESS"))
_register = limiter.shared_limit(lambda: figure("REGISTER"), scope="register", key_func=by_address,
                                 exempt_when=_not_post, deduct_when=_deduct_when("REGISTER"))


_password = limiter.shared_limit(lambda: figure("PASSWORD"), scope="password", key_func=by_account,
                                 exempt_when=_not_post, override_defaults=False,
                                 deduct_when=_deduct_when("PASSWORD"))


def password_limit(view):
    """Password changes (each tries the current password) per account."""
    return _password(view)


def login_limit(view):
    """Login attempts (page and API tokens): per address and per named account; see also the lockout."""
    return _login_per_address(_login_per_name(view))


def register_limit(view):
    """New accounts per address."""
    return _register(view)


#: Opening a thread (UI and API).
thread_limit = _pair("THREAD")
#: Replies and follow-ups (UI and API).
reply_limit = _pair("REPLY")
#: Flagging content; for the flags feature's views.
flag_limit = _pair("FLAG")


def _api_figure() -> str:
    return figure("API")


def api_limit(blueprint):
    """One budget for all calls to ``blueprint`` (the API) of an account or address."""
    limiter.shared_limit(_api_figure, scope="api", key_func=by_account, deduct_when=_deduct_when("API"))(blueprint)
    return blueprint


# ----- the response ---------------------------------------------------------

def _retry_after_at_least_one_second(response):
    """Flask-Limiter truncates Retry-After to whole seconds; never tell a client 0."""
    if response.status_code == 429:
        value = response.headers.get("Retry-After", "")
        if not value.isdigit() or int(value) < 1:
            response.headers["Retry-After"] = str(retry_after_seconds())
    return response


def init_app(app: Flask) -> None:
    """Run after ``limiter.init_app``: our hook must see the limiter's headers."""
    # after_request hooks run in reverse order; index 0 runs last.
    app.after_request_funcs.setdefault(None, []).insert(0, _retry_after_at_least_one_second)
