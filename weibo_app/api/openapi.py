"""``GET /api/v1/openapi.json``: the description of this API."""

from flask import jsonify

from . import bp
from .openapi_spec import build_spec


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 document of /api/v1."""
    return jsonify(build_spec())
