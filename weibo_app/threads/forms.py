"""Forms on threads: ask, reply, dismiss, transfer, rate."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..core.labels import KIND_LABELS, RATING_LABELS


class ThreadForm(FlaskForm):
    kind = SelectField(_l("类型"), choices=list(KIND_LABELS.items()), default="consultation")
    body = TextAreaField(_l("留言内容"), validators=[DataRequired(), Length(max=2000)])
    images = MultipleFileField(_l("照片（可选，最多3张）"))
    private = BooleanField(_l("不公开"))
    anonymous = BooleanField(_l("匿名显示"))
    submit = SubmitField(_l("提交留言"))


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("回复内容"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("回复"))


class DismissForm(FlaskForm):
    reason = StringField(_l("理由"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("无需回复"))


class TransferForm(FlaskForm):
    department = SelectField(_l("转办给"), validators=[DataRequired()], choices=[])
    reason = StringField(_l("说明"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("转办"))


class RateForm(FlaskForm):
    rating = RadioField(_l("评价"), choices=list(RATING_LABELS.items()), validators=[DataRequired()])
    submit = SubmitField(_l("提交评价"))


class OverturnForm(FlaskForm):
    reason = StringField(_l("撤销理由"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("撤销无需回复"))
