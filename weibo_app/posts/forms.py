"""The composer."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..core.labels import CATEGORY_LABELS


class PostForm(FlaskForm):
    body = TextAreaField(_l("内容"), validators=[DataRequired(), Length(max=2000)])
    category = SelectField(_l("分类"), choices=list(CATEGORY_LABELS.items()), default="work")
    major = BooleanField(_l("重大信息"))
    images = MultipleFileField(_l("配图（最多9张）"))
    submit = SubmitField(_l("发布"))
