"""Words every console page shares: the frame, the navigation, sign-in, and the refusals."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "app_name": "村通坐席控制台",
    "county": "清流县交通运输服务热线 12328",
    "nav_queue": "对话队列",
    "nav_complaints": "投诉工单",
    "nav_figures": "统计报表",
    "nav_audit": "操作记录",
    "nav_dispatch": "调度看板",
    "nav_knowledge": "知识库",
    "sign_out": "退出",
    "login_title": "坐席登录",
    "username": "账号",
    "password": "密码",
    "login_button": "登录",
    "login_hint": "连续输错 5 次密码，账号会锁定 15 分钟。",
    "error_title": "出错了",
    "back": "返回",
    "channel": "渠道",
    "citizen": "群众",
    "status": "状态",
    "all": "全部",
    "filter": "筛选",
    "clear_filter": "清除",
    "none": "—",
    "agent": "坐席",
    "at": "时间",
    "note": "说明",
    "state": "状态",
    "category": "类别",
    "township": "乡镇",
    "search": "关键词",
    "phone": "电话",
}

# messages after an action (may carry {values})
SAY: dict[str, str] = {
    "signed_out": "请先登录。",
    "bad_credentials": "账号或密码不对。连续输错 5 次，这台电脑会暂停登录这个账号，次数越多暂停越久。",
    "locked": "密码输错次数太多，这台电脑暂停登录这个账号，请在 {until} 以后再试，或请班长解锁。",
    "inactive": "账号或密码不对。连续输错 5 次，这台电脑会暂停登录这个账号，次数越多暂停越久。",
    "too_many": "登录尝试太频繁，请 {seconds} 秒后再试。",
    "csrf": "页面已过期或来源不明，操作没有执行。请刷新页面后再试。",
    "login_csrf": "登录页已过期，请重新打开登录页。",
    "forbidden": "这个操作需要班长权限。",
    "not_found": "找不到要找的内容。",
}
