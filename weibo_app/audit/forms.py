"""The audit log viewer's filter."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional

from ..core.dates import in_window


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter form

    actor = StringField(_l("操作人"), validators=[Optional(), Length(max=40)])
    action = StringField(_l("操作"), validators=[Optional(), Length(max=40)])
    department = StringField(_l("部门标识"), validators=[Optional(), Length(max=60)])
    start = DateField(_l("起始日期"), validators=[Optional(), in_window()])
    end = DateField(_l("截止日期（含）"), validators=[Optional(), in_window()])
