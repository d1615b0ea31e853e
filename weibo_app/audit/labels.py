"""Every action code the audit log records, in words: one table, read by the log's page.

A code missing here is shown as the code itself (``action_label``);
tests/test_audit_readable.py checks that every code the services record
has a label.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    # Posts (微博)
    "post.create": _l("新建微博"),
    "post.edit": _l("修改微博草稿"),
    "post.submit": _l("提交审核"),
    "post.approve": _l("审核通过"),
    "post.final_approve": _l("终审通过"),
    "post.fast_track": _l("紧急发布"),
    "post.return": _l("退回修改"),
    "post.schedule": _l("定时发布"),
    "post.publish": _l("发布微博"),
    "post.withdraw": _l("撤回微博"),
    "post.correct": _l("更正微博"),
    "post.pin": _l("置顶微博"),
    "post.unpin": _l("取消置顶"),
    "post.pin_timeline": _l("首页置顶"),
    "post.unpin_timeline": _l("取消首页置顶"),
    "post.repost": _l("转发微博"),
    # Threads (留言)
    "thread.record": _l("登记来电来信"),
    "thread.accept": _l("签收留言"),
    "thread.note": _l("添加内部备注"),
    "thread.dismiss": _l("驳回留言"),
    "thread.overturn_dismissal": _l("撤销驳回"),
    "thread.transfer": _l("转办留言"),
    "thread.dispatch": _l("派单"),
    "thread.transfer_request": _l("申请转办"),
    "thread.transfer_approve": _l("批准转办"),
    "thread.transfer_reject": _l("退回转办申请"),
    "thread.extension_request": _l("申请延期"),
    "thread.extension_approve": _l("批准延期"),
    "thread.extension_reject": _l("驳回延期申请"),
    "thread.rework": _l("发回重办"),
    "thread.urge": _l("催办"),
    "thread.visit": _l("回访"),
    # Moderation (内容管理)
    "moderation.flag": _l("举报内容"),
    "moderation.hold": _l("暂缓显示待审"),
    "moderation.release": _l("审核放行"),
    "moderation.hide": _l("隐藏内容"),
    "moderation.restore": _l("恢复内容"),
    "moderation.dismiss_flags": _l("驳回举报"),
    "moderation.add_word": _l("添加敏感词"),
    "moderation.remove_word": _l("删除敏感词"),
    # Supervision notices (督办)
    "notice.issue": _l("下发督办单"),
    "notice.acknowledge": _l("签收督办单"),
    "notice.close": _l("办结督办单"),
    # Information requests (依申请公开)
    "request.filed": _l("登记公开申请"),
    "request.correction_asked": _l("要求补正"),
    "request.corrected": _l("申请人已补正"),
    "request.third_party_asked": _l("征求第三方意见"),
    "request.third_party_replied": _l("第三方已答复"),
    "request.extended": _l("延长答复期限"),
    "request.answered": _l("答复公开申请"),
    "request.closed": _l("终止办理公开申请"),
    "request.appeal_filed": _l("登记复议或诉讼"),
    "request.appeal_result": _l("登记复议或诉讼结果"),
    # Reports, guides, departments, calendar, templates
    "report.save": _l("保存年度报告"),
    "report.publish": _l("发布年度报告"),
    "guide.save": _l("保存公开指南"),
    "department.create": _l("新建部门"),
    "department.update": _l("修改部门"),
    "calendar.set": _l("设置节假日或调休"),
    "calendar.remove": _l("删除节假日设置"),
    "template.create": _l("新建回复模板"),
    "template.update": _l("修改回复模板"),
    "template.delete": _l("删除回复模板"),
    # Accounts and settings
    "user.create": _l("新建账号"),
    "user.role": _l("变更角色"),
    "user.activate": _l("启用账号"),
    "user.deactivate": _l("停用账号"),
    "user.lock": _l("账号被锁定"),
    "user.unlock": _l("解除锁定"),
    "user.password": _l("修改密码"),
    "contact.email_verified": _l("验证邮箱"),
    "contact.phone_verified": _l("验证手机号"),
    "token.create": _l("创建 API 令牌"),
    "token.revoke": _l("吊销 API 令牌"),
    "setting.change": _l("修改设置"),
}

#: What a row points at, in words.
TARGET_LABELS = {
    "post": _l("微博"),
    "thread": _l("留言"),
    "reply": _l("回复"),
    "repost": _l("转发"),
    "user": _l("账号"),
    "department": _l("部门"),
    "info_request": _l("公开申请"),
    "supervision_notice": _l("督办单"),
    "annual_report": _l("年度报告"),
    "reply_template": _l("回复模板"),
    "sensitive_word": _l("敏感词"),
    "api_token": _l("API 令牌"),
    "setting": _l("设置"),
    "calendar": _l("工作日历"),
}

#: Keys of the detail JSON, in words; others are shown as they are.
DETAIL_LABELS = {
    "to_department": _l("转至部门"), "transfer_id": _l("转办申请"), "extension_id": _l("延期申请"),
    "until": _l("延期至"), "event_id": _l("事件"), "note_id": _l("备注"), "rating": _l("评价"),
    "resolved": _l("是否解决"), "channel": _l("渠道"), "handler": _l("承办人"), "dismissed_reason": _l("原驳回理由"),
    "name": _l("名称"), "before": _l("原值"), "after": _l("新值"), "title": _l("标题"), "body": _l("内容"),
    "word": _l("敏感词"), "number": _l("编号"), "due_on": _l("答复期限"), "days": _l("天数"),
    "outcome": _l("办理结果"), "late": _l("是否逾期"), "year": _l("年度"), "slug": _l("部门代码"),
    "role": _l("角色"), "post_id": _l("微博"), "day": _l("日期"), "deadline": _l("期限"),
    "flags_resolved": _l("处理的举报数"), "appeal_id": _l("复议或诉讼"), "appeal_kind": _l("类别"),
    "result": _l("结果"), "received_on": _l("收到日期"), "filed_on": _l("提起日期"),
}


def action_label(code: str) -> str:
    """The action in words; an unknown code is shown as it is."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def target_label(kind: str) -> str:
    label = TARGET_LABELS.get(kind)
    return str(label) if label is not None else kind


def detail_items(details: dict | None) -> list[tuple[str, str]]:
    """The detail JSON as (label, value) pairs, in a stable order."""
    if not details:
        return []
    items = []
    for key, value in details.items():
        label = DETAIL_LABELS.get(key)
        items.append((str(label) if label is not None else key, _value_text(value)))
    return items


def _value_text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_l("是")) if value else str(_l("否"))
    if isinstance(value, list | tuple):
        return "、".join(_value_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}: {_value_text(v)}" for k, v in value.items())
    return str(value)
