"""Forms on threads: ask, reply, dismiss, transfer, rate."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..core.labels import KIND_LABELS, RATING_LABELS, VISIT_CHANNEL_LABELS


class ThreadForm(FlaskForm):
    kind = SelectField(_l("类型"), choices=list(KIND_LABELS.items()), default="consultation")
    body = TextAreaField(_l("留言内容"), validators=[DataRequired(), Length(max=2000)])
    images = MultipleFileField(_l("照片（可选，最多3张）"))
    private = BooleanField(_l("不公开"))
    anonymous = BooleanField(_l("匿名显示"))
    submit = SubmitField(_l("提交留言"))


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("回复内容"), validators=[DataRequired(), Length(max=2000)])
    # Staff only: an interim reply (阶段性答复) keeps the thread awaiting.
    interim = BooleanField(_l("阶段性答复（尚未办结，留言保持待回复）"))
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
    resolved = RadioField(_l("问题是否已解决"), choices=[("yes", _l("已解决")), ("no", _l("未解决"))],
                          validators=[Optional()])
    submit = SubmitField(_l("提交评价"))

    def resolved_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.resolved.data)


class AcceptForm(FlaskForm):
    handler = SelectField(_l("承办人"), choices=[], validators=[Optional()])
    submit = SubmitField(_l("签收"))


class NoteForm(FlaskForm):
    body = TextAreaField(_l("内部备注"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("添加备注"))


class ExtensionForm(FlaskForm):
    until = DateField(_l("延期至"), validators=[DataRequired()])
    reason = StringField(_l("延期理由"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("申请延期"))


class ReworkForm(FlaskForm):
    reason = StringField(_l("发回理由"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("发回重办"))


class UrgeForm(FlaskForm):
    comment = StringField(_l("催办意见（可选）"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("催办"))


class VisitForm(FlaskForm):
    resolved = RadioField(_l("问题是否已解决"), choices=[("yes", _l("已解决")), ("no", _l("未解决"))],
                          validators=[DataRequired()])
    rating = RadioField(_l("满意度"), choices=list(RATING_LABELS.items()), validators=[DataRequired()])
    channel = SelectField(_l("回访方式"), choices=list(VISIT_CHANNEL_LABELS.items()), validators=[DataRequired()])
    note = StringField(_l("回访记录（可选）"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("登记回访"))


class DecisionForm(FlaskForm):
    """Approve or reject a transfer or extension request (the dispatcher)."""

    department = SelectField(_l("转办至"), choices=[], validators=[Optional()])
    comment = StringField(_l("意见"), validators=[Optional(), Length(max=500)])
    approve = SubmitField(_l("批准"))
    reject = SubmitField(_l("驳回"))


class OverturnForm(FlaskForm):
    reason = StringField(_l("撤销理由"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("撤销无需回复"))
