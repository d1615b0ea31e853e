"""Row and column names of the report's tables, shared by the page and the workbook."""

from __future__ import annotations

from flask_babel import gettext as _

from ..disclosure import labels
from .figures import COLUMNS


def column_labels() -> list[str]:
    names = {**labels.APPLICANT_TYPE_LABELS, "other_org": _("其他"), "total": _("总计")}
    return [str(names[c]) for c in COLUMNS]


def section3_rows() -> list[tuple[str, str]]:
    """(label, row key) in the State Council's order; group headings carry no figures of their own
    except （一） and （二）, which are single rows."""
    rows = [(_("一、本年新收政府信息公开申请数量"), "new"), (_("二、上年结转政府信息公开申请数量"), "carried_over")]
    results = _("三、本年度办理结果")
    for group, items in labels.OUTCOME_GROUPS:
        for code, item in items:
            rows.append((f"{results} {group}" + (f" {item}" if item is not None else ""), code))
    total = _("（七）总计")
    rows.append((f"{results} {total}", "results_total"))
    rows.append((_("四、结转下年度继续办理"), "carried_forward"))
    return rows


def proactive_rows() -> list[tuple[str, str]]:
    return [
        (_("第二十条第（一）项 规章（本年制发、本年废止、现行有效件数）"), "regulations"),
        (_("第二十条第（一）项 行政规范性文件（本年制发、本年废止、现行有效件数）"), "normative_documents"),
        (_("第二十条第（五）项 行政许可（本年处理决定数量）"), "licensing"),
        (_("第二十条第（六）项 行政处罚（本年处理决定数量）"), "penalties"),
        (_("第二十条第（六）项 行政强制（本年处理决定数量）"), "enforcement"),
        (_("第二十条第（八）项 行政事业性收费（本年收费金额，万元）"), "fees"),
    ]
