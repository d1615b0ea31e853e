"""Forms of information requests: filing, recording one received another way, and each step."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from . import labels
from .deadlines import CORRECTION_DEFAULT_DAYS, CORRECTION_MAX_DAYS, EXTENSION_MAX_DAYS


def _choices(mapping, *, without=()) -> list[tuple[str, str]]:
    return [(code, label) for code, label in mapping.items() if code not in without]


class RequestForm(FlaskForm):
    department = SelectField(_l("向哪个部门申请"), validators=[DataRequired()], choices=[])
    applicant_type = SelectField(_l("申请人类型"), choices=_choices(labels.APPLICANT_TYPE_LABELS), default="person")
    name = StringField(_l("申请人姓名或单位名称"), validators=[DataRequired(), Length(max=100)])
    id_number = StringField(_l("身份证件号码或统一社会信用代码"), validators=[Optional(), Length(max=40)])
    phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=30)])
    email = StringField(_l("电子邮箱"), validators=[Optional(), Length(max=254)])
    address = StringField(_l("通信地址"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("所需政府信息的名称、文号或便于查询的其他特征"),
                                validators=[DataRequired(), Length(max=5000)])
    delivery = SelectField(_l("获取信息的方式"), choices=_choices(labels.DELIVERY_LABELS), default="email")
    submit = SubmitField(_l("提交申请"))


class RecordForm(RequestForm):
    """Staff: a request received by post, at the counter, by fax..."""

    channel = SelectField(_l("收到渠道"), choices=_choices(labels.CHANNEL_LABELS, without=("online",)), default="post")
    received_on = DateField(_l("收到日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记申请"))


class CorrectionNoticeForm(FlaskForm):
    items = TextAreaField(_l("需要补正的事项"), validators=[DataRequired(), Length(max=5000)])
    working_days = IntegerField(_l("补正期限（工作日）"), default=CORRECTION_DEFAULT_DAYS,
                                validators=[DataRequired(), NumberRange(1, CORRECTION_MAX_DAYS)])
    submit = SubmitField(_l("发出补正通知"))


class CorrectionForm(FlaskForm):
    body = TextAreaField(_l("补正内容"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("提交补正"))


class ThirdPartyForm(FlaskForm):
    party = StringField(_l("第三方"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("开始征求第三方意见"))


class ThirdPartyReplyForm(FlaskForm):
    submit = SubmitField(_l("第三方意见已收到（今天）"))


class ExtendForm(FlaskForm):
    reason = TextAreaField(_l("延期理由"), validators=[DataRequired(), Length(max=2000)])
    days = IntegerField(_l("延长工作日数"), default=EXTENSION_MAX_DAYS,
                        validators=[DataRequired(), NumberRange(1, EXTENSION_MAX_DAYS)])
    submit = SubmitField(_l("延长答复期限"))


class AnswerForm(FlaskForm):
    outcome = SelectField(_l("处理结果"), validators=[DataRequired()],
                          choices=[("", _l("请选择"))] + [(code, "") for code in labels.OUTCOME_LABELS])
    body = TextAreaField(_l("答复书"), validators=[DataRequired(), Length(max=20000)])
    files = MultipleFileField(_l("答复附件（公开的政府信息文件）"))
    submit = SubmitField(_l("作出答复"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [("", str(_l("请选择")))] + [
            (code, labels.outcome_label(code)) for code in labels.OUTCOME_LABELS
        ]


class AppealForm(FlaskForm):
    kind = SelectField(_l("类型"), choices=_choices(labels.APPEAL_KIND_LABELS))
    filed_on = DateField(_l("提起日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记"))


class AppealResultForm(FlaskForm):
    result = SelectField(_l("结果"), choices=_choices(labels.APPEAL_RESULT_LABELS))
    submit = SubmitField(_l("保存结果"))
