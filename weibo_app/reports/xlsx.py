"""The annual report as an .xlsx workbook (openpyxl): the same figures as the page and the JSON."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..disclosure import labels
from .figures import APPEAL_KINDS, APPEAL_RESULTS, COLUMNS, PROACTIVE
from .labels import column_labels, proactive_rows, section3_rows


def build_workbook(title: str, figures: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("年度报告")[:31]
    bold = Font(bold=True)
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])

    ws.append([_("二、主动公开政府信息情况")])
    for label, item in proactive_rows():
        ws.append([label, *[figures["proactive"][item][field] for field in PROACTIVE[item]]])
    ws.append([])

    ws.append([_("三、收到和处理政府信息公开申请情况")])
    ws.append(["", *column_labels()])
    for row_label, row in section3_rows():
        ws.append([row_label, *[figures["requests"][row][c] for c in COLUMNS]])
    ws.append([_("核对：新收 + 上年结转 = 办理结果总计 + 结转下年度"),
               _("平衡") if figures["balanced"] else _("不平衡")])
    ws.append([])

    ws.append([_("四、政府信息公开行政复议、行政诉讼情况")])
    ws.append(["", *[str(labels.APPEAL_RESULT_LABELS[r]) for r in APPEAL_RESULTS], _("总计")])
    for kind in APPEAL_KINDS:
        ws.append([str(labels.APPEAL_KIND_LABELS[kind]),
                   *[figures["appeals"][kind][r] for r in [*APPEAL_RESULTS, "total"]]])
    for row in ws.iter_rows():
        if row[0].value and len(row) and str(row[0].value)[:1] in "二三四":
            row[0].font = bold
    ws.column_dimensions["A"].width = 60
    for cell in ws["A"]:
        cell.alignment = Alignment(wrap_text=True)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
