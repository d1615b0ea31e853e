"""Images: checked and cleaned with Pillow, kept behind a storage interface, served at /media/<key>."""

from __future__ import annotations

from flask import current_app, request

#: The forms that take images, and the setting that says how many.
UPLOAD_ENDPOINTS = {
    "posts.compose": "POST_MAX_IMAGES",
    "posts.open_thread": "THREAD_MAX_IMAGES",
    "threads.open_on_board": "THREAD_MAX_IMAGES",
}


def allow_uploads(endpoint: str | None) -> None:
    """Let an image form's request body hold its full-size images (plus the form).

    The site-wide MAX_CONTENT_LENGTH stays small for every other request. This
    runs as a URL value preprocessor, i.e. before any ``before_request`` hook
    (CSRF checking reads the form, and with it the body).
    """
    setting = UPLOAD_ENDPOINTS.get(endpoint or "")
    if setting is None:
        return
    config = current_app.config
    request.max_content_length = int(config[setting]) * int(config["IMAGE_MAX_BYTES"]) + 1024 * 1024
