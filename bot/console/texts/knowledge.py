"""The knowledge base pages and the canned-reply search."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "knowledge_title": "知识库",
    "knowledge_hint": "机器人在有把握时用这里的答案回答群众；坐席回复时也可以搜索、插入后再修改。",
    "kb_question": "问题",
    "kb_variants": "其他问法（每行一条）",
    "kb_answer": "答案（微信、网页聊天、坐席回复）",
    "kb_short": "短答案（短信和电话，140字以内）",
    "kb_tags": "标签（用逗号隔开）",
    "kb_valid_from": "生效日期",
    "kb_valid_to": "失效日期",
    "kb_valid": "有效期",
    "kb_always": "长期有效",
    "kb_new": "新增条目",
    "kb_save": "保存",
    "kb_disable": "停用",
    "kb_enable": "启用",
    "kb_inactive": "已停用",
    "kb_expired": "不在有效期",
    "kb_history": "修改记录",
    "kb_updated": "最后修改",
    "kb_empty": "没有符合条件的条目。",
    "kb_search": "搜索知识库（输入关键词，选中后插入回复框，可再修改）",
    "kb_insert": "插入",
    "kb_no_hits": "知识库里没有找到，换个词试试。",
    "kb_action_created": "新增",
    "kb_action_updated": "修改",
    "kb_action_disabled": "停用",
    "kb_action_enabled": "启用",
}

# messages after an action (may carry {values})
SAY: dict[str, str] = {
    "knowledge_saved": "知识库条目已保存。",
    "knowledge_on": "条目已启用，机器人和坐席都可以使用。",
    "knowledge_off": "条目已停用，机器人不再用它回答。",
}
