"""Login and registration forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("记住我"))
    submit = SubmitField(_l("登录"))


class RegisterForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(min=3, max=40)])
    display_name = StringField(_l("昵称"), validators=[Length(max=60)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(min=8, max=128)])
    password2 = PasswordField(
        _l("确认密码"), validators=[DataRequired(), EqualTo("password", message=_l("两次输入的密码不一致。"))]
    )
    submit = SubmitField(_l("注册"))


class EmptyForm(FlaskForm):
    """Carries only the CSRF token, for POST-only buttons."""


class PasswordForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(), Length(max=128)])
    password = PasswordField(_l("新密码"), validators=[DataRequired(), Length(min=8, max=128)])
    password2 = PasswordField(
        _l("确认新密码"), validators=[DataRequired(), EqualTo("password", message=_l("两次输入的密码不一致。"))]
    )
    submit = SubmitField(_l("修改密码"))


class TokenForm(FlaskForm):
    name = StringField(_l("名称"), validators=[Length(max=60)])
    days = IntegerField(_l("有效天数"), validators=[Optional(), NumberRange(min=1, max=365)])
    submit = SubmitField(_l("创建令牌"))
