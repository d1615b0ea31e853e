"""Admin forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from ..core.dates import in_window


class HolidayForm(FlaskForm):
    day = DateField(_l("日期"), validators=[DataRequired(), in_window()])
    is_workday = SelectField(_l("类型"), choices=[("0", _l("放假")), ("1", _l("调休上班"))])
    note = StringField(_l("说明"), validators=[Optional(), Length(max=80)])
    submit = SubmitField(_l("保存"))


class RemoveHolidayForm(FlaskForm):
    day = HiddenField(validators=[DataRequired(), Length(max=10)])
    submit = SubmitField(_l("删除"))
