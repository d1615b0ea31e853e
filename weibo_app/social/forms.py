"""The repost form; follow and like buttons are bare CSRF forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length, Optional


class RepostForm(FlaskForm):
    comment = TextAreaField(_l("转发评论（可选）"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("转发"))
