"""The Chinese names of codes the console shows (channels, states, actions, audit details),
so no internal word reaches an agent. Complaint states and categories come from the
backend (`STATE_LABELS`, `CATEGORY_LABELS`) so they read the same everywhere.
"""

from __future__ import annotations

from backend.services.complaints.workflow import STATE_LABELS

CHANNEL_LABELS: dict[str, str] = {"wechat": "微信", "sms": "短信", "voice": "电话", "rest": "网页", "web": "网页聊天"}
ROUTE_LABELS: dict[str, str] = {
    "wechat": "已作为微信客服消息发出",
    "sms": "已通过短信发出",
    "web": "已发到群众的网页聊天窗口",
    "callback": "电话渠道无法直接发送，已生成回电任务，请按号码回电告知",
    "transcript": "网页渠道无法主动推送，且没有可用的手机号：回复只记入了对话记录",
}
ROUTE_FLASH_KINDS: dict[str, str] = {"callback": "warning", "transcript": "warning"}
EVENT_LABELS: dict[str, str] = {
    "user": "群众",
    "bot": "机器人",
    "agent": "坐席",
    "action": "系统",
    "handoff": "转人工",
}
HANDOFF_STATUS_LABELS: dict[str, str] = {
    "waiting": "等待接入",
    "claimed": "接待中",
    "returned": "已交还机器人",
    "closed": "已结束",
}
# hand-off steps as they read in a transcript
HANDOFF_EVENT_LABELS: dict[str, str] = {
    "handoff_waiting": "转人工",
    "handoff_claimed": "坐席接入",
    "handoff_returned": "交还机器人",
    "handoff_closed": "对话结束",
    "handoff_assigned": "班长指派",
}
# who did a step, when it was not a console account
ACTOR_LABELS: dict[str, str] = {"citizen": "群众", "system": "系统", "bot": "机器人", "cli": "管理员"}
OUTBOUND_STATUS_LABELS: dict[str, str] = {
    "queued": "待发送",
    "sending": "待发送",
    "sent": "已发送",
    "delivered": "已送达",
    "failed": "发送失败",
    "suppressed": "未发送",
}
VEHICLE_KIND_LABELS: dict[str, str] = {"bus": "客车", "minibus": "中巴", "van": "面包车"}
BOOKING_STATUS_LABELS: dict[str, str] = {
    "requested": "已预约",
    "confirmed": "已确认",
    "assigned": "已派车",
    "cancelled": "已取消",
    "completed": "已完成",
}
# who can take a ticket besides the agents themselves (派单对象)
DEPARTMENTS: tuple[str, ...] = (
    "县交通运输局运输管理股",
    "县公交公司调度室",
    "县邮政分公司",
    "乡镇交通管理站",
    "客运站站务室",
)
ACTION_LABELS: dict[str, str] = {
    "sign_in": "登录",
    "agent_created": "新增坐席",
    "agent_unlocked": "解锁账号",
    "agent_disabled": "停用坐席",
    "agent_enabled": "启用坐席",
    "password_set": "设置密码",
    "sign_in_failed": "登录失败",
    "sign_out": "退出",
    "locked_out": "账号锁定",
    "unlock_agent": "解除登录锁定",
    "claim_handoff": "认领对话",
    "reply": "回复群众",
    "return_handoff": "交还机器人",
    "close_handoff": "结束对话",
    "callback_done": "完成回电",
    "note_added": "添加内部备注",
    "assign_handoff": "指派对话",
    "complaint_from_conversation": "对话转投诉",
    "complaint_transition": "工单流转",
    "follow_up_asked": "发送回访",
    "follow_up_recorded": "记录回访",
    "figures_export": "导出统计",
    "knowledge_created": "新增知识",
    "knowledge_updated": "修改知识",
    "knowledge_enabled": "启用知识",
    "knowledge_disabled": "停用知识",
    "dispatch_replan": "重新规划派车",
}
# audit rows: what an action was done to, and its details, in words
TARGET_LABELS: dict[str, str] = {"handoff": "对话", "callback": "回电任务", "knowledge": "知识条目", "agent": "坐席账号"}
DETAIL_LABELS: dict[str, str] = {
    "reason": "原因", "to": "改为", "note": "说明", "outcome": "结果", "route": "发送方式", "channel": "渠道",
    "satisfaction": "满意度", "state": "状态", "conversation": "对话", "role": "角色", "handoff": "对话",
    "sessions_ended": "结束登录", "released": "退回队列的对话",
}  # fmt: skip
DETAIL_VALUES: dict[str, str] = {
    "bad_credentials": "账号或密码不对", "locked": "账号已锁定", "inactive": "账号已停用",
    "wechat": "微信", "sms": "短信", "voice": "电话", "rest": "网页", "web": "网页聊天", "callback": "回电",
    "transcript": "只记入对话记录", "agent": "坐席", "supervisor": "班长", **STATE_LABELS,
}  # fmt: skip
# the button for each workflow step on a ticket page
STEP_LABELS: dict[str, str] = {
    "assigned": "派单",
    "reassign": "改派",
    "in_progress": "开始处理",
    "escalated": "升级督办",
    "resolved": "办结并答复群众",
    "reopened": "重新办理",
    "closed": "结案",
}
SATISFACTION_LABELS: dict[int, str] = {
    5: "5 非常满意",
    4: "4 满意",
    3: "3 一般",
    2: "2 不满意",
    1: "1 非常不满意",
}

WEEKDAYS: tuple[str, ...] = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
