"""Words shown for the codes of information requests and the annual report (translated)."""

from flask_babel import lazy_gettext as _l

APPLICANT_TYPE_LABELS = {
    "person": _l("自然人"),
    "enterprise": _l("商业企业"),
    "research": _l("科研机构"),
    "nonprofit": _l("社会公益组织"),
    "legal_service": _l("法律服务机构"),
    "other_org": _l("其他组织"),
}

STATE_LABELS = {
    "received": _l("办理中"),
    "awaiting_correction": _l("待补正"),
    "third_party": _l("征求第三方意见中"),
    "answered": _l("已答复"),
    "closed": _l("已终止"),
}

CHANNEL_LABELS = {
    "online": _l("网上申请"),
    "post": _l("信函"),
    "walk_in": _l("当面提交"),
    "fax": _l("传真"),
    "email": _l("电子邮件"),
    "other": _l("其他渠道"),
}

DELIVERY_LABELS = {
    "email": _l("电子邮件"),
    "paper": _l("纸质邮寄"),
    "disk": _l("光盘或移动存储"),
    "pickup": _l("当面领取"),
    "online": _l("网上查阅"),
}

#: The annual report's outcome rows, grouped as in 国办公开办函〔2021〕30号.
OUTCOME_GROUPS = [
    (_l("（一）予以公开"), [("public", None)]),
    (_l("（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), [("partial", None)]),
    (_l("（三）不予公开"), [
        ("withheld_secret", _l("1.属于国家秘密")),
        ("withheld_law", _l("2.其他法律行政法规禁止公开")),
        ("withheld_safety", _l("3.危及“三安全一稳定”")),
        ("withheld_third_party", _l("4.保护第三方合法权益")),
        ("withheld_internal", _l("5.属于三类内部事务信息")),
        ("withheld_process", _l("6.属于四类过程性信息")),
        ("withheld_enforcement", _l("7.属于行政执法案卷")),
        ("withheld_query", _l("8.属于行政查询事项")),
    ]),
    (_l("（四）无法提供"), [
        ("unavailable_not_held", _l("1.本机关不掌握相关政府信息")),
        ("unavailable_needs_making", _l("2.没有现成信息需要另行制作")),
        ("unavailable_unclear", _l("3.补正后申请内容仍不明确")),
    ]),
    (_l("（五）不予处理"), [
        ("declined_petition", _l("1.信访举报投诉类申请")),
        ("declined_repeat", _l("2.重复申请")),
        ("declined_publication", _l("3.要求提供公开出版物")),
        ("declined_excessive", _l("4.无正当理由大量反复申请")),
        ("declined_confirmation", _l("5.要求行政机关确认或重新出具已获取信息")),
    ]),
    (_l("（六）其他处理"), [
        ("other_no_correction", _l("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")),
        ("other_no_fee", _l("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")),
        ("other", _l("3.其他")),
    ]),
]

OUTCOME_LABELS = {
    code: (item if item is not None else group) for group, items in OUTCOME_GROUPS for code, item in items
}
OUTCOME_GROUP_OF = {code: group for group, items in OUTCOME_GROUPS for code, _item in items}


def outcome_label(code: str | None) -> str:
    """"不予公开：1.属于国家秘密" — the group and the item, for one decision."""
    if not code:
        return ""
    group, item = OUTCOME_GROUP_OF.get(code), OUTCOME_LABELS.get(code, code)
    return str(item) if group is None or item is group else f"{group} {item}"


APPEAL_KIND_LABELS = {
    "review": _l("行政复议"),
    "lawsuit_direct": _l("行政诉讼（未经复议直接起诉）"),
    "lawsuit_after_review": _l("行政诉讼（复议后起诉）"),
}

APPEAL_RESULT_LABELS = {
    "upheld": _l("结果维持"),
    "corrected": _l("结果纠正"),
    "other": _l("其他结果"),
    "pending": _l("尚未审结"),
}

EVENT_LABELS = {
    "filed": _l("收到申请"),
    "correction_asked": _l("发出补正通知"),
    "corrected": _l("申请人已补正"),
    "third_party_asked": _l("征求第三方意见"),
    "third_party_replied": _l("第三方意见已收到"),
    "extended": _l("延长答复期限"),
    "answered": _l("作出答复"),
    "closed": _l("逾期未补正，终止办理"),
    "appeal_filed": _l("登记行政复议或行政诉讼"),
    "appeal_result": _l("行政复议或行政诉讼结果"),
}

LIGHT_LABELS = {
    "red": _l("已超期"),
    "yellow": _l("即将到期"),
    "green": _l("正常"),
    "paused": _l("计时暂停"),
}
