"""Forms of the account, department and settings pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..core.labels import ROLE_LABELS


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    q = StringField(_l("用户名"), validators=[Optional(), Length(max=40)])
    role = SelectField(_l("角色"), choices=[], validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [("", _l("全部"))] + list(ROLE_LABELS.items())


#: The department choice that scopes a supervisor to every department (the whole county).
WHOLE_COUNTY = "*"


class RoleForm(FlaskForm):
    role = SelectField(_l("角色"), choices=[], validators=[DataRequired()])
    department = SelectField(_l("部门"), choices=[], validators=[Optional()])
    submit = SubmitField(_l("保存角色"))

    def __init__(self, departments, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = list(ROLE_LABELS.items())
        self.department.choices = [("", _l("（无）")), (WHOLE_COUNTY, _l("全县（所有部门，仅督办人员）"))] + departments


class ActiveForm(FlaskForm):
    reason = StringField(_l("理由"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("提交"))


class UnlockForm(FlaskForm):
    submit = SubmitField(_l("解除锁定"))


class DepartmentForm(FlaskForm):
    slug = StringField(_l("标识"), validators=[DataRequired(), Length(max=60)])
    name = StringField(_l("名称"), validators=[DataRequired(), Length(max=80)])
    parent = SelectField(_l("上级部门"), choices=[], validators=[Optional()])
    review_required = BooleanField(_l("发布前需要审核"), default=True)
    submit = SubmitField(_l("添加部门"))


class DepartmentEditForm(FlaskForm):
    name = StringField(_l("名称"), validators=[DataRequired(), Length(max=80)])
    description = TextAreaField(_l("简介"), validators=[Optional(), Length(max=1000)])
    review_required = BooleanField(_l("发布前需要审核"))
    submit = SubmitField(_l("保存"))


class CsrfOnlyForm(FlaskForm):
    """Carries the CSRF token of a form whose fields are built by hand (settings)."""
