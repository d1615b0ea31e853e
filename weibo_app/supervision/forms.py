"""Forms for supervision notices: issue, acknowledge, close."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.dates import in_window
from .operations import BODY_MAX_CHARS, MAX_WORKING_DAYS


class IssueForm(FlaskForm):
    # The service decides who may notify which department (a 403), not the list of choices.
    department = SelectField(_l("督办部门"), validators=[DataRequired()], choices=[], validate_choice=False)
    thread = HiddenField(validators=[Optional(), Length(max=20)])
    body = TextAreaField(_l("督办内容"), validators=[DataRequired(), Length(max=BODY_MAX_CHARS)])
    deadline_date = DateField(_l("办理期限（日期）"), validators=[Optional(), in_window()])
    working_days = IntegerField(_l("或：几个工作日内"),
                                validators=[Optional(), NumberRange(min=1, max=MAX_WORKING_DAYS)])
    submit = SubmitField(_l("发出督办单"))


class AcknowledgeForm(FlaskForm):
    response = TextAreaField(_l("签收意见"), validators=[DataRequired(), Length(max=BODY_MAX_CHARS)])
    submit = SubmitField(_l("签收"))


class CloseForm(FlaskForm):
    submit = SubmitField(_l("办结督办单"))
