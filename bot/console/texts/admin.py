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
}

# messages after an action (may carry {values})
SAY: dict[str, str] = {
    "unlocked": "已解除账号 {name} 的登录锁定。",
}
