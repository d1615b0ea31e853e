"""The composer. Times are typed in the site's local time."""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateTimeLocalField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..core.clock import site_tz
from ..core.dates import in_window
from ..core.labels import CATEGORY_LABELS


def aware(local: datetime | None) -> datetime | None:
    """A naive local time from a form, as an aware UTC datetime."""
    if local is None:
        return None
    return local.replace(tzinfo=site_tz()).astimezone(UTC)


class PostForm(FlaskForm):
    body = TextAreaField(_l("内容"), validators=[DataRequired(), Length(max=2000)])
    category = SelectField(_l("分类"), choices=list(CATEGORY_LABELS.items()), default="work")
    major = BooleanField(_l("重大信息"))
    images = MultipleFileField(_l("配图（最多9张）"))
    submit = SubmitField(_l("发布"))


class DraftForm(PostForm):
    """The composer: save a draft, or submit it (publish it where there is no review)."""

    scheduled_at = DateTimeLocalField(_l("定时发布（可选）"), validators=[Optional(), in_window()])
    save = SubmitField(_l("保存草稿"))
    submit = SubmitField(_l("提交"))
