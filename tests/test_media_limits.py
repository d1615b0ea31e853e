"""The forms that take images may carry more than the site-wide body limit; nothing else may.

CSRF is left on here: the token check reads the form (and so the body) before
the view runs, so the larger limit has to be in place before it.
"""

from __future__ import annotations

import io
import os
import re

import pytest
import sqlalchemy as sa
from PIL import Image as PILImage
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from weibo_app.core.extensions import db
from weibo_app.models import Image, Thread

SITE_LIMIT = 1024 * 1024


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "WTF_CSRF_ENABLED": True, "MAX_CONTENT_LENGTH": SITE_LIMIT,
            "UPLOAD_DIR": str(tmp_path / "uploads")}


def noisy_png(side: int = 480) -> bytes:
    """A photo-sized PNG that does not compress (about 690 KB at 480 px)."""
    out = io.BytesIO()
    PILImage.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "PNG")
    return out.getvalue()


def csrf_from(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_two_photos_over_the_site_limit_go_through_the_ask_form(client, login, make):
    dept = make.department()
    login(make.user())
    token = csrf_from(client.get(f"/d/{dept.slug}?tab=board").get_data(as_text=True))
    photos = [noisy_png(), noisy_png()]
    boundary, body = encode_multipart(MultiDict([
        ("csrf_token", token), ("kind", "help"), ("body", "积水照片两张"),
        *[("images", FileStorage(io.BytesIO(p), filename=f"{i}.png", content_type="image/png"))
          for i, p in enumerate(photos)],
    ]))
    assert len(body) > SITE_LIMIT

    resp = client.post(f"/d/{dept.slug}/threads", data=body, content_type=f"multipart/form-data; boundary={boundary}")

    assert resp.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(Image.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 1


def test_other_forms_keep_the_site_limit(client, login, make):
    dept = make.department()
    resident = make.user()
    thread = make.thread(author=resident, department=dept)
    login(resident)
    boundary, body = encode_multipart(MultiDict([("body", "追问" * 10), ("padding", "x" * (SITE_LIMIT + 1))]))
    resp = client.post(f"/t/{thread.id}/reply", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert resp.status_code == 413
