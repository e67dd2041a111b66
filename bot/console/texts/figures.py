"""Figures (统计报表) and the audit log (操作记录)."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "figures_title": "投诉与服务统计",
    "period": "统计时段",
    "from": "从",
    "to": "到",
    "show": "查看",
    "export_csv": "导出 CSV",
    "last_7": "近7天",
    "last_30": "近30天",
    "this_month": "本月",
    "last_month": "上月",
    "total": "工单总数",
    "within_deadline": "按期办结率",
    "avg_first_response": "平均首次响应",
    "avg_handling": "平均办理时长",
    "mean_satisfaction": "平均满意度",
    "overdue_open": "超期未办结",
    "handoffs": "转人工对话",
    "avg_wait": "平均等待接入",
    "trend": "每日新增与办结",
    "opened": "新增",
    "resolved": "办结",
    "by_state": "按状态",
    "by_category": "按类别",
    "by_assignee": "按承办人",
    "by_township": "按乡镇",
    "by_agent": "坐席工作量",
    "count": "数量",
    "open_count": "未办结",
    "resolved_count": "已办结",
    "hours": "{value} 小时",
    "minutes": "{value} 分钟",
    "claims": "接入对话",
    "replies": "回复",
    "ticket_steps": "工单操作",
    "audit_title": "操作记录",
    "action": "操作",
    "target": "对象",
    "detail": "详情",
}

# messages after an action (may carry {values})
SAY: dict[str, str] = {
    "bad_period": "日期格式不对，请用日历选择日期。",
}
