"""Complaints and suggestions: opening, progress, follow-up."""

from __future__ import annotations

from dialogs.texts.base import T

COMPLAINTS_TEXTS: dict[str, T] = {
    # -- complaints ------------------------------------------------------------------------
    "ask_description": T(
        "请说说发生了什么事，我们会认真处理。", "请说说发生了什么事。", "请说说发生了什么事。"
    ),
    "ask_category": T("这件事属于哪一类？", "属于哪类？", "请问属于哪一类？"),
    "ask_occurred": T(
        "大概是什么时候的事？记不清可以说“不记得”。",
        "什么时候的事？不记得可说“不记得”。",
        "请问大概是什么时候的事？",
    ),
    "ask_ref": T(
        "有车牌号、线路或订单号吗？没有请说“没有”。",
        "有车牌号或订单号吗？没有回“没有”。",
        "有车牌号或者订单号吗？没有请说没有。",
    ),
    "ask_contact": T(
        "请留一个手机号，方便我们回复处理结果。不方便可以说“不留”。",
        "请留手机号以便回复，不便可回“不留”。",
        "请说一个手机号，方便我们告诉您处理结果。不方便可以说不留。",
    ),
    "ref_bad": T(
        "车牌号应像“闽G12345”，订单号像“B202611200007”。没有请说“没有”。",
        "车牌如闽G12345，没有请回“没有”。",
        "没有听清车牌号。车牌像闽G12345这样，没有请说没有。",
    ),
    "complaint_confirm": T(
        "请确认投诉：{category}。{story}",
        "确认投诉：{category}，{story}",
        "您要投诉{category}：{story}，对吗？",
    ),
    "complaint_opened": T(
        "投诉已受理，工单号{id}。我们会在{first}前联系您，{due}前给您处理结果。",
        "投诉已受理，工单号{id}，{due}前答复您。",
        "您的投诉已受理，工单号{id}。我们会在{due}前给您答复。",
    ),
    "complaint_opened_no_phone": T(
        "投诉已受理，工单号{id}。您没有留电话号码，处理结果不会打电话告诉您：我们会在{due}前给出处理结果，"
        "届时请在这里发“查投诉 {id}”查看进度和答复。",
        "投诉已受理，工单号{id}，{due}前给出处理结果，请回“查投诉”加工单号查看。",
        "您的投诉已受理，工单号{id}。您没有留电话，我们会在{due}前给出处理结果，到时请再来问处理进度，报工单号就行。",
    ),
    "ask_suggestion": T("请说说您的建议，我们会认真考虑。", "请说您的建议。"),
    "suggestion_confirm": T(
        "请确认提交建议：{story}", "确认提交建议：{story}", "您的建议是：{story}，对吗？"
    ),
    "suggestion_opened": T("谢谢您的建议！编号{id}，我们会认真研究。", "建议已收到，编号{id}，谢谢！"),
    "ask_ticket": T("请告诉我工单号，比如“C20261120001”。", "请发工单号。", "请说工单号。"),
    "ticket_unknown": T("没有找到您的工单{id}，请核对工单号。", "没有工单{id}，请核对。"),
    "complaint_progress": T(
        "工单{id}：目前{state}，{due}前办结。{reply}", "工单{id}：{state}，{due}前办结。{reply}"
    ),
    "complaint_reply": T("答复：{resolution}", "答复：{resolution}", "答复是：{resolution}"),  # {reply} above
    "follow_up_thanks": T(
        "谢谢您的评价！工单{id}的回访已记录：{score}分。还有什么可以帮您，请直接说。",
        "谢谢评价！工单{id}已记录{score}分。",
        "谢谢您的评价，工单{id}记录为{score}分。",
    ),
    "follow_up_reopened": T(
        "很抱歉没能让您满意。工单{id}已重新办理，我们会尽快再联系您。",
        "抱歉没让您满意，工单{id}已重新办理，会尽快联系您。",
        "很抱歉没能让您满意。工单{id}已经重新办理，我们会尽快再联系您。",
    ),
}
