"""Words shown for the codes of DESIGN.md (translated through Flask-Babel)."""

from flask_babel import lazy_gettext as _l

from ..models import Category, Channel, NoticeState, PostState, Rating, Role, ThreadKind, ThreadState

KIND_LABELS = {
    ThreadKind.CONSULTATION: _l("咨询"),
    ThreadKind.COMPLAINT: _l("投诉"),
    ThreadKind.SUGGESTION: _l("建议"),
    ThreadKind.HELP: _l("求助"),
    ThreadKind.COMMENT: _l("评论"),
}

STATE_LABELS = {
    ThreadState.AWAITING: _l("待回复"),
    ThreadState.ANSWERED: _l("已回复"),
    ThreadState.CLOSED: _l("已办结"),
    ThreadState.DISMISSED: _l("无需回复"),
}

NOTICE_STATE_LABELS = {
    NoticeState.OPEN: _l("待签收"),
    NoticeState.ACKNOWLEDGED: _l("已签收"),
    NoticeState.OVERDUE: _l("逾期未签收"),
    NoticeState.CLOSED: _l("已办结"),
}

RATING_LABELS = {
    Rating.SATISFIED: _l("满意"),
    Rating.BASICALLY_SATISFIED: _l("基本满意"),
    Rating.UNSATISFIED: _l("不满意"),
}

CATEGORY_LABELS = {
    Category.ORG_INFO: _l("机构信息"),
    Category.POLICY: _l("政策文件"),
    Category.PLANS: _l("规划计划"),
    Category.PERSONNEL: _l("人事信息"),
    Category.FINANCE: _l("财政信息"),
    Category.EMERGENCY: _l("应急管理"),
    Category.WORK: _l("工作动态"),
    Category.RUMOR: _l("辟谣"),
    Category.SERVICE: _l("便民服务"),
    Category.OTHER: _l("其他"),
}

POST_STATE_LABELS = {
    PostState.DRAFT: _l("草稿"),
    PostState.PENDING: _l("待审核"),
    PostState.PENDING_FINAL: _l("待终审"),
    PostState.SCHEDULED: _l("定时发布"),
    PostState.PUBLISHED: _l("已发布"),
    PostState.WITHDRAWN: _l("撤回"),
}

ROLE_LABELS = {
    Role.RESIDENT: _l("居民"),
    Role.STAFF: _l("工作人员"),
    Role.REVIEWER: _l("审核人"),
    Role.DEPT_HEAD: _l("主要负责人"),
    Role.SUPERVISOR: _l("督办"),
    Role.ADMIN: _l("系统管理员"),
}

CHANNEL_LABELS = {
    Channel.WEB: _l("网上留言"),
    Channel.PHONE: _l("来电"),
    Channel.LETTER: _l("来信"),
    Channel.VISIT: _l("来访"),
    Channel.HOTLINE: _l("12345热线"),
    Channel.MAILBOX: _l("信箱"),
    Channel.OTHER: _l("其他"),
}
