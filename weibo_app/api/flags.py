"""Flags in the API: any user with a token reports a post, thread or reply."""

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from ..access.read import can_read
from ..core.exceptions import Invalid
from ..core.extensions import db
from ..moderation import operations as mod
from ..security.limits import flag_limit
from . import bp
from .auth import token_required
from .payload import id_field, json_body, text_field
from .serializers import iso


@bp.post("/flags")
@token_required
@flag_limit
def create_flag():
    """Report an item: ``{target_type, target_id, reason, text?}``."""
    data = json_body()
    target_type = text_field(data, "target_type", 10)
    if target_type not in mod.TARGET_TYPES:
        raise Invalid(_("target_type 必须是 post、thread 或 reply。"), "invalid_target_type")
    target_id = id_field(data, "target_id")
    user = current_user
    item = mod.get_item(target_type, target_id)
    flag = mod.flag_item(user, item, text_field(data, "reason", 20), text_field(data, "text", 500, required=False))
    db.session.commit()
    return jsonify({
        "id": flag.id,
        "target_type": flag.target_type,
        "target_id": flag.target_id,
        "reason": flag.reason,
        "text": flag.text,
        "created_at": iso(flag.created_at),
        # Whether the item is now held for review (never reveals a held item to one who cannot see it).
        "held": item.held_at is not None and can_read(user, item),
    }), 201
