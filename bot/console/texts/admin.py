"""Supervisors' account pages: sign-in lock-outs and agent administration."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "nav_locks": "登录锁定",
    "locks_title": "登录锁定",
    "locks_intro": "密码连续输错后，该账号在那台电脑（地址）上暂停登录；解除后可立即再试。",
    "locks_empty": "现在没有被锁定的登录。",
    "lock_client": "来源地址",
    "lock_failures": "连续输错",
    "lock_until": "锁定到",
    "unlock": "解除锁定",
    # agent administration
    "nav_agents": "坐席账号",
    "agents_title": "坐席账号",
    "agents_intro": "新增坐席、停用或启用账号、重设密码。停用后，他会立即退出登录，正在接待的对话退回队列。",
    "display_name": "姓名",
    "role": "角色",
    "account_state": "账号状态",
    "state_active": "正常",
    "state_disabled": "已停用",
    "state_locked": "登录锁定中",
    "last_sign_in": "最近登录",
    "never_signed_in": "从未登录",
    "you": "（我）",
    "add_agent": "新增坐席",
    "username_rule": "小写字母、数字和 . _ -，2 到 32 位，以字母或数字开头",
    "initial_password": "初始密码",
    "new_password": "新密码",
    "password_again": "再输一遍密码",
    "password_rule": "至少 8 位，首尾不能有空格；请当面告诉本人。",
    "add_button": "新增",
    "disable": "停用",
    "enable": "启用",
    "reset_password": "重设密码",
    "reset_button": "重设",
    "confirm_disable": "确定停用这个账号吗？他会立即退出登录，正在接待的对话退回队列。",
}

# messages after an action (may carry {values})
SAY: dict[str, str] = {
    "unlocked": "已解除账号 {name} 的登录锁定。",
    "agent_added": "已新增{role}账号 {name}（{username}），请把初始密码当面告诉本人。",
    "agent_disabled": "已停用 {name}（{username}）：结束了 {sessions} 处登录，{released} 条正在接待的对话已退回队列。",
    "agent_enabled": "已启用 {name}（{username}），现在可以登录了。",
    "password_reset": "已重设 {name}（{username}）的密码，他已在所有电脑上退出登录；请把新密码当面告诉本人。",
    "passwords_differ": "两次输入的密码不一样，没有保存，请重新输入。",
}
