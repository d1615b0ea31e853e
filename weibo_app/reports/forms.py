"""The report form: the department's text and its article 20 figures."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from .figures import PROACTIVE

TEXT = [Optional(), Length(max=20000)]


class ReportForm(FlaskForm):
    overview = TextAreaField(_l("一、总体情况"), validators=TEXT)
    problems = TextAreaField(_l("五、存在的主要问题及改进情况"), validators=TEXT)
    other_matters = TextAreaField(_l("六、其他需要报告的事项"), validators=TEXT)
    submit = SubmitField(_l("保存年度报告"))

    def proactive_data(self) -> dict:
        return {item: {field: self[f"{item}__{field}"].data or 0 for field in fields}
                for item, fields in PROACTIVE.items()}

    def fill_proactive(self, figures: dict) -> None:
        for item, fields in PROACTIVE.items():
            for field in fields:
                self[f"{item}__{field}"].data = (figures.get(item) or {}).get(field, 0)


for _item, _fields in PROACTIVE.items():
    for _field in _fields:
        if _item == "fees":
            widget = DecimalField(_l("金额（万元）"), places=4, validators=[Optional(), NumberRange(0, 10**9)])
        else:
            widget = IntegerField(_l("数量"), validators=[Optional(), NumberRange(0, 10**9)])
        setattr(ReportForm, f"{_item}__{_field}", widget)


class PublishForm(FlaskForm):
    submit = SubmitField(_l("发布年度报告"))
