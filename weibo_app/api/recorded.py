"""Staff record a request from another channel; an integration's ``external_ref`` is idempotent."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from ..core.exceptions import Invalid
from ..core.extensions import db
from ..models import Department
from ..threads import queries
from ..threads.recording import record_request
from .payload import text_field
from .serializers import thread_dict


def record_from_channel(department: Department, data: dict):
    """201 with the new thread; 200 with the existing one when ``external_ref`` was seen before."""
    contact = data.get("contact")
    if not isinstance(contact, dict):
        raise Invalid(_("缺少字段：%(name)s。", name="contact"), "missing_field")
    thread, created = record_request(
        current_user, department,
        body=text_field(data, "body", 2000),
        kind=text_field(data, "kind", 40),
        channel=text_field(data, "channel", 20),
        contact_name=text_field(contact, "name", 60),
        contact_phone=text_field(contact, "phone", 30, required=False),
        external_ref=text_field(data, "external_ref", 100, required=False),
    )
    thread_id = thread.id
    db.session.commit()
    db.session.expire_all()
    body = thread_dict(queries.get_thread(thread_id))
    return jsonify(body), 201 if created else 200


