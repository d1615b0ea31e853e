"""What each run-time setting is called on screen: the settings page, its errors and the audit log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SETTING_LABELS = {
    "POST_MAX_LENGTH": _l("微博字数上限"),
    "DUE_WORKING_DAYS": _l("办理时限（工作日）"),
    "AUTO_CLOSE_DAYS": _l("已回复留言自动办结天数"),
    "FLAG_THRESHOLD": _l("举报多少次后暂时隐藏"),
    "ATTACHMENT_MAX_MB": _l("答复书附件单个文件上限（MB）"),
    "ATTACHMENT_MAX_FILES": _l("每份答复书最多附件数"),
    "SITE_NAME": _l("网站名称"),
    "SITE_OWNER": _l("主办单位"),
    "SITE_OPERATOR": _l("承办单位"),
    "SITE_ICP": _l("备案号"),
    "SITE_CONTACT": _l("联系方式"),
    "SITE_ACCESSIBILITY": _l("无障碍声明"),
}

#: The longest value each text setting takes.
TEXT_LIMITS = {"SITE_ACCESSIBILITY": 2000}
TEXT_LIMIT_DEFAULT = 120
#: Text settings that keep their line breaks.
MULTILINE = frozenset({"SITE_ACCESSIBILITY"})


def setting_label(name: str) -> str:
    """The on-screen name of a setting (its key only for a setting without a label)."""
    return str(SETTING_LABELS.get(name, name))
