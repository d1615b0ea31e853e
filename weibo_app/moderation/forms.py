"""Forms of flagging and moderation."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..models import FlagReason

REASON_LABELS = {
    FlagReason.SPAM: _l("垃圾广告"),
    FlagReason.ABUSE: _l("辱骂攻击"),
    FlagReason.PERSONAL_INFO: _l("泄露个人信息"),
    FlagReason.OFF_TOPIC: _l("与主题无关"),
    FlagReason.OTHER: _l("其他"),
}


class FlagForm(FlaskForm):
    reason = RadioField(_l("举报理由"), choices=list(REASON_LABELS.items()), validators=[DataRequired()])
    text = TextAreaField(_l("补充说明"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("提交举报"))


class HideForm(FlaskForm):
    reason = StringField(_l("隐藏理由"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("隐藏"))


class RestoreForm(FlaskForm):
    reason = StringField(_l("恢复说明"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("恢复显示"))


class ActionForm(FlaskForm):
    """A button that changes state: only the CSRF token."""

    submit = SubmitField(_l("确定"))


class WordForm(FlaskForm):
    word = StringField(_l("敏感词"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("添加"))
