"""Tracking, sending and collecting parcels at village service points."""

from __future__ import annotations

from dialogs.texts.base import T

PARCELS_TEXTS: dict[str, T] = {
    # -- parcels ---------------------------------------------------------------------------
    "ask_parcel": T(
        "请告诉我快递单号。查您自己的快递，也可以发您本人的11位手机号，验证后就能查。",
        "请发快递单号。",
        "请说快递单号。",
    ),
    "ask_parcel_verified": T(
        "尾号{tail}的手机号下没有查到快递。请告诉我快递单号。",
        "尾号{tail}没有查到快递，请发快递单号。",
        "您这个号码下没有查到快递。请说快递单号。",
    ),
    "parcel_none_for_phone": T(
        "尾号{phone}的手机号没有查到包裹。可以发快递单号再查。", "尾号{phone}没有包裹，请发单号。"
    ),
    "parcel_bad": T("这不像快递单号，请核对后再发。", "单号不对，请核对。"),
    "parcel_code_sent": T("，取件码已短信发送到收件人尾号{tail}", "，取件码已短信发给收件人尾号{tail}"),
    "parcel_code_in_person": T("，请收件人带身份证到服务站取件", "，请收件人凭身份证取件"),
    "pickup_code_how": T(
        "取件码只发给收件人：快件到了服务站，取件码会短信发到收件人的手机上，不在这里告诉别人。"
        "收不到或删了，请发快递单号，我把取件码重新发到收件人手机；您就是收件人的话，发您的11位手机号，"
        "验证后在这里就能看到取件码。也可以带身份证到服务站，报收件手机号取件。",
        "取件码只发给收件人手机。发快递单号可重发给收件人，或带身份证到服务站取件。",
        "取件码只发给收件人，用短信发到收件人的手机上。要重发，请说快递单号，我把取件码重新发到收件人手机；"
        "也可以带身份证到服务站，报收件手机号取件。",
    ),
    "parcel_phone_not_yours": T(
        "按手机号查快递，只能查您本人验证过的号码。请发快递单号，或者发您完整的11位手机号，验证后再查。",
        "只能查本机号码的快递，请发快递单号。",
    ),
    "parcel_phone_unproven": T(
        "手机号没有验证，不能按手机号查快递。可以发快递单号查询。",
        "手机号未验证，请发快递单号查询。",
    ),
    "lookup_limited": T(
        "查询的次数太多了，请一小时后再试，或者直接到服务站查询。",
        "查询次数太多，请一小时后再试。",
    ),
    "parcel_status": T("{lines}", "快递查询：{lines}", "{lines}"),
    # by SMS a parcel is one SMS of short typed values (dialogs/forms/parcel_sms.py), one per state
    "parcel_sms_waiting": T("快递查询：{carrier}单号{number}已到{point}{hours}{pickup}"),
    "parcel_hours": T("，营业时间{hours}"),
    "parcel_code": T("，取件码{pickup_code}"),
    "parcel_sms_picked_up": T("快递查询：{carrier}单号{number}已于{when}在{point}取件"),
    "parcel_sms_picked_up_undated": T("快递查询：{carrier}单号{number}已在{point}取件"),
    "parcel_sms_returned": T("快递查询：{carrier}单号{number}已于{when}退回寄件人"),
    "parcel_sms_returned_undated": T("快递查询：{carrier}单号{number}已退回寄件人"),
    "parcel_sms_moving": T("快递查询：{carrier}单号{number}运输中，{when}在{location}{dest}"),
    "parcel_sms_no_news": T("快递查询：{carrier}单号{number}运输中，暂时没有物流信息{dest}"),
    "parcel_dest": T("，将送到{point}"),
    "ask_pickup_place": T("在哪里上门取件？请说村或乡镇名。", "在哪里取件？", "请问在哪里上门取件？"),
    "ask_send_to": T("寄到哪里？比如“福州市”。", "寄到哪里？", "请问寄到哪里？"),
    "ask_pickup_time": T(
        "什么时候方便来取件？不着急可以说“都行”。", "几点方便取件？", "请问什么时候方便来取件？"
    ),
    "ask_goods": T("寄什么东西？大概多重？比如“笋干20斤”。", "寄什么？多重？", "请问寄什么东西，大概多重？"),
    "send_to_bad": T("请说清楚寄到哪里。", "请说寄到哪里。"),
    "send_too_heavy": T("一次最多寄{max}公斤，更重的请联系服务站安排。", "最多寄{max}公斤。"),
    "send_confirm": T(
        "请确认寄件：{origin}上门取件，寄往{destination}，{when}，{goods}",
        "确认：{origin}取件寄{destination}，{when}，{goods}",
        "您要从{origin}寄{goods}到{destination}，{when}来取，对吗？",
    ),
    "send_done": T(
        "寄件已登记（编号{id}），揽收员会联系您到{origin}取件。", "寄件已登记，编号{id}，揽收员会联系您。"
    ),
}
