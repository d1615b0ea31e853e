"""Forms of the publishing workflow: they parse and carry the CSRF token; the services judge.

Times are typed in the site's local time.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.dates import in_window
from ..posts.forms import DraftForm, aware

__all__ = [
    "ActionForm", "ApproveForm", "CorrectionForm", "DraftForm", "FastTrackForm", "ReturnForm",
    "ScheduleForm", "TimelinePinForm", "WithdrawForm", "aware",
]


class ApproveForm(FlaskForm):
    secrecy_checked = BooleanField(_l("已完成保密审查"))
    submit = SubmitField(_l("审核通过"))


class FastTrackForm(FlaskForm):
    secrecy_checked = BooleanField(_l("已完成保密审查"))
    pin_hours = IntegerField(_l("首页置顶小时数（可选）"), validators=[Optional(), NumberRange(1, 720)])
    submit = SubmitField(_l("快速发布"))


class ReturnForm(FlaskForm):
    comment = TextAreaField(_l("退回意见"), validators=[Length(max=500)])
    submit = SubmitField(_l("退回修改"))


class ScheduleForm(FlaskForm):
    at = DateTimeLocalField(_l("发布时间"), validators=[Optional(), in_window()])
    submit = SubmitField(_l("定时发布"))


class WithdrawForm(FlaskForm):
    reason = StringField(_l("撤回理由"), validators=[Length(max=500)])
    submit = SubmitField(_l("撤回"))


class CorrectionForm(FlaskForm):
    body = TextAreaField(_l("更正内容"), validators=[Length(max=2000)])
    submit = SubmitField(_l("发布更正"))


class TimelinePinForm(FlaskForm):
    hours = IntegerField(_l("置顶小时数"), validators=[DataRequired(), NumberRange(1, 720)])
    submit = SubmitField(_l("首页置顶"))


class ActionForm(FlaskForm):
    """An empty form: a POST button that carries the CSRF token."""

    submit = SubmitField(_l("确定"))
