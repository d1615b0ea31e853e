"""Flask-Login's manager, with blueprints that authenticate by bearer token alone.

A blueprint declared ``bearer_only`` (the JSON API) never reads the session
cookie nor the remember cookie: a request there is signed in only through the
request loader, i.e. by an ``Authorization: Bearer`` header. So the API, exempt
from CSRF, cannot be driven by a browser's cookies from another site, and
``current_user`` is still the one notion of "who is asking" everywhere.
"""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import LoginManager as _LoginManager


class LoginManager(_LoginManager):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.bearer_only_blueprints: set[str] = set()

    def bearer_only(self, blueprint: Blueprint) -> Blueprint:
        """Requests to ``blueprint`` ignore session and remember cookies."""
        self.bearer_only_blueprints.add(blueprint.name)
        return blueprint

    def is_bearer_only(self) -> bool:
        return (request.blueprint or "").split(".")[0] in self.bearer_only_blueprints

    def _load_user(self):
        if self._request_callback is not None and self.is_bearer_only():
            return self._update_request_context_with_user(self._load_user_from_request(request))
        return super()._load_user()
