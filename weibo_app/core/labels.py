"""Words shown for the codes of DESIGN.md (translated through Flask-Babel).

Keyed by the codes themselves (the values of the enums in weibo_app.models, which
are strings), so core/ needs nothing from the layers above it.
"""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "consultation": _l("咨询"),
    "complaint": _l("投诉"),
    "suggestion": _l("建议"),
    "help": _l("求助"),
    "comment": _l("评论"),
    "report": _l("举报"),
}

STATE_LABELS = {
    "awaiting": _l("待回复"),
    "answered": _l("已回复"),
    "closed": _l("已办结"),
    "dismissed": _l("无需回复"),
}

NOTICE_STATE_LABELS = {
    "open": _l("待签收"),
    "acknowledged": _l("已签收"),
    "overdue": _l("逾期未签收"),
    "closed": _l("已办结"),
}

RATING_LABELS = {
    "satisfied": _l("满意"),
    "basically_satisfied": _l("基本满意"),
    "unsatisfied": _l("不满意"),
}

CATEGORY_LABELS = {
    "org_info": _l("机构信息"),
    "policy": _l("政策文件"),
    "plans": _l("规划计划"),
    "personnel": _l("人事信息"),
    "finance": _l("财政信息"),
    "emergency": _l("应急管理"),
    "work": _l("工作动态"),
    "rumor": _l("辟谣"),
    "service": _l("便民服务"),
    "other": _l("其他"),
}

POST_STATE_LABELS = {
    "draft": _l("草稿"),
    "pending": _l("待审核"),
    "pending_final": _l("待终审"),
    "scheduled": _l("定时发布"),
    "published": _l("已发布"),
    "withdrawn": _l("撤回"),
}

ROLE_LABELS = {
    "resident": _l("居民"),
    "staff": _l("工作人员"),
    "reviewer": _l("审核人"),
    "dept_head": _l("主要负责人"),
    "supervisor": _l("督办"),
    "admin": _l("系统管理员"),
}

VISIT_CHANNEL_LABELS = {
    "phone": _l("电话"),
    "sms": _l("短信"),
    "web": _l("网上"),
    "visit": _l("上门"),
}

REQUEST_STATE_LABELS = {
    "pending": _l("待审批"),
    "approved": _l("已批准"),
    "rejected": _l("已驳回"),
}

CHANNEL_LABELS = {
    "web": _l("网上留言"),
    "phone": _l("来电"),
    "letter": _l("来信"),
    "visit": _l("来访"),
    "hotline": _l("12345热线"),
    "mailbox": _l("信箱"),
    "other": _l("其他"),
}
