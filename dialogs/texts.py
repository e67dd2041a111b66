"""Every sentence the bot says, in one place, in plain and polite Mandarin.

Each key has a rich variant (WeChat, web chat), and where it matters a short one for SMS
(a reply must fit two 70-character segments, numbered options included) and a spoken
one for the hotline (no symbols, nothing to look at). `render` picks the variant for a
style and fills in the values. Numbered options are not written here: they travel as
buttons and each channel renders them (回复1确认 2修改 on SMS, read out on the phone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dialogs.wording import Style


@dataclass(frozen=True)
class T:
    rich: str
    short: str | None = None
    voice: str | None = None

    def pick(self, style: Style) -> str:
        if style == "voice":
            return self.voice or self.short or self.rich
        if style == "short":
            return self.short or self.rich
        return self.rich


TEXTS: dict[str, T] = {
    # -- conversation ------------------------------------------------------------------
    "greet": T(
        "您好，我是村通小助手。可以帮您预约乘车、查班车、查快递、寄快递、投诉建议。请直接说要办的事，或选择：",
        "您好，村通为您服务。请说要办的事，或回复数字：",
        "您好，这里是村通服务热线。请直接说您要办的事，或者按数字键选择：",
    ),
    "menu": T("请直接说要办的事，或选择：", "请回复数字：", "请直接说您要办的事，或者按数字键选择："),
    "help_in_form": T(
        "您正在办理{form}。直接回答问题就行；说“取消”可以放弃，说“人工”转人工客服。也可以选择别的事：",
        "正在办理{form}。说“取消”放弃，回复0转人工。也可选：",
        "您正在办理{form}。直接回答问题就行，说取消可以放弃，按0转人工。",
    ),
    "not_understood": T("抱歉，没听明白。", voice="抱歉，没有听清楚。"),
    "out_of_scope": T("抱歉，这件事我暂时办不了。", voice="抱歉，这件事我暂时办不了。"),
    "offer_person": T(
        "还是没弄明白，抱歉。可以换个说法再试，或者转人工客服：",
        "没弄明白，抱歉。可换个说法，或回复0转人工：",
        "还是没有听明白，抱歉。可以换个说法再试，或者转人工客服。",
    ),
    "kb_answer": T(
        "{answer}\n还有问题可以接着问；没说清楚的，可以转人工客服：",
        "{answer} 回复0转人工。",
        "{answer} 需要人工请按0。",
    ),
    "kb_unsure": T(
        "这个问题我没有把握答准，怕说错耽误您。可以换个说法再问，或者转人工客服：",
        "这个问题没把握答准。可换个说法，或回复0转人工：",
        "这个问题我没有把握答准。可以换个说法再问，或者按0转人工客服。",
    ),
    "abandoned": T("好的，已取消{form}，没有保存任何信息。", "已取消{form}，未保存信息。"),
    "kept": T("好的，不取消，一切保持不变。", "好的，不取消，保持不变。"),
    "nothing_to_abandon": T("好的。还有什么可以帮您？", "好的，还有事请说。"),
    "resume": T("我们接着办刚才的{form}。", "接着办{form}。", "我们接着办刚才的{form}。"),
    "ok": T("好的，", "好，"),
    "changed": T("好的，已改好。", "已改。"),
    "ask_change": T(
        "请说要改什么，比如“改成后天”“改成3个人”“终点改成县医院”。",
        "请说要改什么，如“改成后天”“改成3人”。",
        "请说要改什么，比如改成后天，或者改成3个人。",
    ),
    "confirm_generic": T("请确认办理{form}。", "确认办理{form}？"),
    "handoff": T(
        "好的，正在为您转接人工客服，请稍候。客服会在这里回复您。",
        "正在转人工客服，请稍候，客服会回复您。",
        "好的，正在为您转接人工客服，请稍候。",
    ),
    "handoff_back": T("人工客服已结束服务，村通小助手继续为您服务。", "人工服务已结束，村通继续为您服务。"),
    "thanks": T("不客气！还有什么可以帮您？", "不客气！"),
    "goodbye": T("感谢使用村通，祝您出行平安，再见！", "感谢使用村通，再见！"),
    "error": T(
        "抱歉，系统有点忙，刚才的事没有办成，请稍后再试。",
        "抱歉，系统忙，没有办成，请稍后再试。",
    ),
    "welcome": T(
        "欢迎关注村通！预约乘车、查班车、查快递、投诉建议，都可以直接发消息告诉我。",
        "欢迎使用村通！",
    ),
    "opted_out": T(
        "您已退订短信通知，不会再收到我们的通知短信。如需恢复，请回复START。",
        "已退订短信通知。如需恢复请回复START。",
        "您已退订短信通知。",
    ),
    "opted_in": T("您已恢复接收短信通知。", "已恢复短信通知。"),
    "recorded_story": T("（电话录音留言，见录音）"),
    "media_received": T("图片收到了。", "图片已收到。", "收到。"),
    "say_in_words": T("请用文字告诉我您要办什么。", "请用文字告诉我您要办什么。", "请直接说您要办什么。"),
    "media_in_words": T(
        "图片收到了，不过我看不懂图片。请用文字告诉我您要办什么。", "图片收到。请用文字告诉我您要办什么。",
        "请直接说您要办什么。",
    ),
    "nearest_place": T("您在{place}附近。", "您在{place}附近。"),
    "location_far": T(
        "您发来的位置离本县最近的村镇也有约{km}公里，不在村通服务范围内。请直接说您在哪个村或乡镇。",
        "该位置不在本县服务范围（约{km}公里外），请说您在哪个村镇。",
    ),
    "what_for_places": T("您是要订车，还是查班车？", "订车还是查班车？", "您是要订车，还是查班车？"),
    # -- checking answers ----------------------------------------------------------------
    "backend_refused": T("{message}", "提示：{message}", "{message}"),
    "choice_bad": T("请选一个编号。", "请回复编号。", "请按数字键选择。"),
    "text_short": T("请多说几句，说清楚一些。", "请说详细一些。"),
    "place_guess_one": T("您说的是{guess}吗？", "是{guess}吗？", "您说的是{guess}吗？"),
    "place_guess_many": T(
        "没找到“{name}”，您说的是哪一个？", "没找到“{name}”，是哪个？", "没有找到{name}，您说的是哪一个？"
    ),
    "place_unknown": T(
        "没找到“{name}”这个地方，请说乡镇或村的名字，比如“嵩口镇”。",
        "没找到“{name}”，请说乡镇或村名。",
        "没有找到{name}这个地方，请说乡镇或者村的名字。",
    ),
    "place_same": T("出发地和目的地不能是同一个地方，请重新说要去哪里。", "起点终点相同，请重说目的地。"),
    "time_past": T("{when}已经过去了，请说一个以后的时间。", "{when}已过，请说以后的时间。"),
    "count_bad": T("请说几个人，比如“2个人”。", "请说几个人，如“2人”。", "请说几个人，比如2个人。"),
    "count_too_many": T("一次最多{max}人，请重新说人数。", "最多{max}人，请重说人数。"),
    "phone_bad": T(
        "手机号不对，请输入11位手机号。", "手机号不对，请发11位手机号。", "手机号不对，请说11位手机号。"
    ),
    # -- proving a typed mobile (one-time code) -----------------------------------------------
    "verify_ask": T(
        "验证码已发到尾号{tail}，请回复6位数字。收不到可以回复“不验证”，也能接着办。",
        "验证码已发到尾号{tail}，请回复6位数字；收不到回“不验证”。",
        "验证码已发到尾号{tail}的手机，请说6位数字。收不到可以说不验证，也能接着办。",
    ),
    "verify_bad": T(
        "请回复短信里的6位数字验证码；收不到可以回复“不验证”。",
        "请回6位验证码，收不到回“不验证”。",
        "请说短信里的6位数字验证码，收不到可以说不验证。",
    ),
    "verify_wrong": T(
        "验证码不对，还可以再试{left}次。收不到可以回复“不验证”。",
        "验证码不对，还可试{left}次。",
        "验证码不对，还可以再试{left}次。收不到可以说不验证。",
    ),
    "verify_ok": T("手机号验证好了。", "手机号已验证。"),
    "verify_expired": T("验证码已失效。", "验证码已失效。"),
    "verify_declined": T(
        "好的，不验证也能办。这次办的事只能在这里查询和修改，尾号{tail}的号码只作联系电话。",
        "好的，不验证。尾号{tail}只作联系电话。",
    ),
    "verify_failed": T(
        "验证码已失效，这次先不验证，尾号{tail}的号码只作联系电话。", "验证码失效，尾号{tail}只作联系电话。"
    ),
    "verify_number_limit": T(
        "尾号{tail}的号码一小时内发验证码太多次了，这次先不验证，号码只作联系电话。",
        "验证码发送太频繁，尾号{tail}只作联系电话。",
    ),
    "verify_sender_limit": T(
        "今天发验证码的次数用完了，这次先不验证，尾号{tail}的号码只作联系电话。",
        "今天验证码次数已用完，尾号{tail}只作联系电话。",
    ),
    "verify_opted_out": T(
        "尾号{tail}的号码退订了短信，收不到验证码，这次先不验证，号码只作联系电话。",
        "尾号{tail}已退订短信，只作联系电话。",
    ),
    # -- rides -----------------------------------------------------------------------------
    "ask_origin": T("请问从哪里出发？", "从哪里出发？", "请问从哪里出发？"),
    "ask_destination": T("请问要去哪里？", "去哪里？", "请问要去哪里？"),
    "ask_time": T(
        "什么时候出发？比如“明天早上8点”。", "几点出发？如“明天8点”。", "请问什么时候出发？比如明天早上8点。"
    ),
    "ask_clock": T("{day}几点出发？", "{day}几点走？", "{day}几点出发？"),
    "ask_passengers": T("几个人坐车？", "几个人？", "请问几个人坐车？"),
    "ask_phone": T(
        "请留一个手机号，方便司机联系您。", "请留手机号，方便司机联系。", "请说一个手机号，方便司机联系您。"
    ),
    "ride_too_many": T(
        "一次最多预约{max}人，人多可以说“包车”。",
        "最多{max}人，人多请说“包车”。",
        "一次最多预约{max}人，人多可以说包车。",
    ),
    "charter_too_many": T("包车最多{max}人，请重新说人数。", "包车最多{max}人。"),
    "ride_confirm": T(
        "请确认：{when} {trip} {people}",
        "确认：{when} {trip} {people}",
        "您要预约{when}，{trip}，{people}，对吗？",
    ),
    "charter_confirm": T(
        "请确认包车：{when} {trip} {people}",
        "确认包车：{when} {trip} {people}",
        "您要包车，{when}，{trip}，{people}，对吗？",
    ),
    "ride_booked_seat": T(
        "预约成功！订单号{id}：{line}，座位已确认，车费{fare}。请提前10分钟到站。",
        "订好了！订单号{id}，{line}，车费{fare}，请提前10分钟到站。",
        "预约成功。订单号{id}。{line}，座位已确认，请提前10分钟到站。",
    ),
    "ride_booked_demand": T(
        "预约已收到！订单号{id}：{line}。派好车后会告诉您车牌和司机电话。",
        "已预约，订单号{id}，{line}。派车后通知您。",
        "预约已收到。订单号{id}。{line}。派好车后会通知您。",
    ),
    "ride_dispatched": T(
        "预约成功！订单号{id}：{line}。已派车：{when}在{origin}上车，车牌{plate}，司机{driver}。",
        "订好了！订单号{id}，{when}在{origin}上车，车牌{plate}，司机{driver}。",
        "预约成功。订单号{id}。{when}在{origin}上车，车牌{plate}，司机{driver}。",
    ),
    "charter_booked": T(
        "包车已预约！订单号{id}：{line}，{vehicle}，参考价{price}。安排好车辆后会电话联系您确认价格。",
        "包车已预约，订单号{id}，{line}，参考价{price}，稍后电话确认。",
        "包车已预约。订单号{id}。{line}，参考价{price}。安排好车辆后会电话联系您。",
    ),
    # -- existing bookings ---------------------------------------------------------------
    "no_bookings": T("您目前没有待出行的预约。", "您没有待出行的预约。"),
    "ask_which_booking": T(
        "您有{count}个预约，请问是哪一个？",
        "您有{count}个预约，是哪个？",
        "您有{count}个预约，请问是哪一个？",
    ),
    "booking_unknown": T("没有找到您名下的订单{id}，请核对订单号。", "没有订单{id}，请核对。"),
    "booking_not_active": T("订单{id}已经取消或结束了。", "订单{id}已取消或结束。"),
    "cancel_confirm": T(
        "确认取消订单{id}（{line}）吗？", "取消订单{id}（{line}）？", "您要取消订单{id}，{line}，对吗？"
    ),
    "cancelled": T("已取消订单{id}（{line}）。", "已取消订单{id}。", "订单{id}已经取消了。"),
    "ask_change_what": T(
        "订单{id}（{line}）要改成什么时间，或者改成几个人？",
        "订单{id}改成几点或几人？",
        "订单{id}，{line}，要改成什么时间，或者改成几个人？",
    ),
    "change_confirm": T(
        "确认把订单{id}改为：{when} {trip} {people}",
        "订单{id}改为{when} {people}？",
        "订单{id}改为{when}，{trip}，{people}，对吗？",
    ),
    "booking_changed": T("改好了！订单{id}：{line}。", "已改好，订单{id}：{line}。"),
    "booking_changed_dispatched": T(
        "改好了！订单{id}：{line}。已重新派车：{when}在{origin}上车，车牌{plate}，司机{driver}。",
        "已改好，订单{id}，{when}在{origin}上车，车牌{plate}，司机{driver}。",
        "改好了。订单{id}。{when}在{origin}上车，车牌{plate}，司机{driver}。",
    ),
    "booking_requested": T(
        "订单{id}：{line}，正在安排车辆，派车后会通知您。", "订单{id}：{line}，正在派车。"
    ),
    "booking_confirmed": T(
        "订单{id}：{line}，座位已确认，请提前10分钟到站。", "订单{id}：{line}，座位已确认。"
    ),
    "booking_assigned": T(
        "订单{id}：{line}。车牌{plate}，司机{driver}，预计{eta}到上车点。",
        "订单{id}：车牌{plate}，司机{driver}，预计{eta}到。",
    ),
    "booking_cancelled": T("订单{id}（{line}）已取消。", "订单{id}已取消。"),
    "booking_completed": T("订单{id}（{line}）的行程已结束。", "订单{id}已完成。"),
    # -- buses -----------------------------------------------------------------------------
    "ask_stop": T("您在哪个站等车？", "在哪个站等车？", "请问您在哪个站等车？"),
    "departure_line": T(
        "{when} {route}（{stop}上车，约{minutes}分钟{fare}）{rule}",
        "{when} {route}{rule}",
        "{when}的{route}{rule}",
    ),
    # boarding rules of the feed (pickup_type / drop_off_type 2 and 3), appended to a bus line
    "rule_board_phone": T("，上车需提前电话预约{phone}", "，需电话预约{phone}", "，上车要提前打电话预约"),
    "rule_board_driver": T("，上车请向司机招手示意", "，招手上车", "，上车要向司机招手示意"),
    "rule_alight_phone": T(
        "，下车需提前电话约定{phone}", "，下车需电话约定{phone}", "，下车要提前打电话约定"
    ),
    "rule_alight_driver": T("，下车请提前告诉司机", "，下车告知司机", "，下车要提前告诉司机"),
    "about": T("约", "约", "大约"),  # before the time of a run of a line that runs every few minutes
    "departures": T("{trip} 接下来的班车：\n{lines}", "{trip}班车：{lines}", "{trip}，接下来的班车有：{lines}。"),
    "first_last": T(
        "{trip} {day}首班车{first}，末班车{last}（{route}）。", "{trip}，{day}首班{first}，末班{last}。"
    ),
    "fare": T("{trip} 车费{fare}。", "{trip}车费{fare}。", "{trip}，车费{fare}。"),
    "no_arrivals": T("{place}接下来一段时间没有班车经过。", "{place}近期无班车。"),
    "arrival_line": T(
        "{route}约{minutes}分钟后到{stop}（{source}）{rule}",
        "{route}约{minutes}分钟到{rule}",
        "{route}大约{minutes}分钟后到{rule}",
    ),
    "arrivals": T("{place}：\n{lines}", "{place}到站：{lines}", "{place}，{lines}。"),
    "ask_alert_kind": T("要订哪种提醒？", "订哪种提醒？", "请问要到站提醒，还是停运通知？"),
    "ask_alert_place": T("在哪个站提醒您？", "在哪站提醒？", "请问在哪个站提醒您？"),
    "alert_confirm_arrival": T(
        "确认开通到站提醒：{where}", "开通{where}到站提醒？", "为您开通{where}的到站提醒，对吗？"
    ),
    "alert_confirm_disruption": T(
        "确认开通停运通知：{where}", "开通{where}停运通知？", "为您开通{where}的停运通知，对吗？"
    ),
    "alert_done_arrival": T("已开通{where}到站提醒，车快到时通知您。", "已开通{where}到站提醒。"),
    "alert_done_disruption": T("已开通{where}停运通知，有停运会第一时间通知您。", "已开通{where}停运通知。"),
    # -- journeys with changes -------------------------------------------------------------
    "journey_head": T("{trip} 没有直达车，要换乘{changes}次：\n", "{trip}换乘{changes}次：", "{trip}没有直达车，要换乘{changes}次。"),
    "journey_head_direct": T("{trip}：\n", "{trip}直达：", "{trip}，"),
    "journey_first_leg": T(
        "{n} {dep} 在{board}坐{route}，{arr} 到{alight}", "{dep}乘{route}，{arr}到{alight}", "{dep}在{board}坐{route}，{arr}到{alight}"
    ),
    "journey_change": T("   在{at}换车{walk}，等{wait}分钟", "", ""),
    "journey_walk": T("（步行约{minutes}分钟到{board}）", "步行到{board}", "步行到{board}"),
    "journey_next_leg": T(
        "{n} {dep} 在{board}坐{route}，{arr} 到{alight}", "换{dep}的{route}，{arr}到{alight}", "换乘{dep}的{route}，{arr}到{alight}"
    ),
    "journey_tail": T("全程约{duration}，车费共{fare}。", "车费共{fare}", "全程大约{duration}，车费一共{fare}。"),
    "journey_fare_unknown": T("部分路段上车买票", "部分上车买票"),
    "journey_other": T("{dep}出发（{arr}到）", "{dep}", "{dep}出发"),
    "journey_more": T("其他班次：{times}", "另有{times}", "还有{times}的班次"),
    "journey_offer": T("要订座的话，请选一个班次：", "订座请回复数字", "要订座的话，请按数字键选择班次。"),
    "journey_book_option": T("订{dep}这趟", "订{dep}", "订{dep}这趟"),
    "journey_confirm": T("请确认换乘订座，{people}：\n{plan}", "确认订座{people}：{plan}", "您要订{people}的座位：{plan}对吗？"),
    "journey_booked": T(
        "订好了！{count}段车的座位都已确认，订单号{ids}：\n{plan}\n请提前10分钟到站。取消其中一段，整个行程会一起取消。",
        "订好了！订单号{ids}，{plan}",
        "订好了。{count}段车的座位都确认了，订单号{ids}。{plan}",
    ),
    "journey_cancelled_too": T("同一行程的其他段（{ids}）也一起取消了。", "同行程的{ids}也已取消。"),
    "journey_gone": T("刚才那趟车已经赶不上了，请重新说出发时间。", "那趟车赶不上了，请重说时间。"),
    # -- student shuttle -------------------------------------------------------------------
    "ask_shuttle_mode": T(
        "学生定制班车：您要报名，还是查班车时间？", "报名还是查时间？", "学生班车，您要报名，还是查时间？"
    ),
    "ask_school": T("孩子在哪个学校读书？", "孩子在哪个学校？", "请问孩子在哪个学校读书？"),
    "ask_home": T("家住在哪个村？", "家在哪个村？", "请问家住在哪个村？"),
    "ask_student_name": T("学生叫什么名字？", "学生姓名？", "请问学生叫什么名字？"),
    "student_name_bad": T("请说学生的姓名，比如“张小明”。", "请发学生姓名。"),
    "shuttle_confirm": T(
        "确认为{name}报名学生班车：{school}，家住{home}",
        "为{name}报名{school}班车，家住{home}？",
        "为{name}报名学生班车，学校{school}，家住{home}，对吗？",
    ),
    "shuttle_schedule": T("{school}学生班车：\n{text}", "{school}班车：{text}", "{school}学生班车，{text}"),
    "shuttle_signed_up": T(
        "报名成功！报名号{id}，{name}已报名{school}学生班车：\n{text}\n上车点安排好后会通知您。查询、修改或取消请报报名号。",
        "报名成功，报名号{id}。{name}已报名{school}班车。{text}",
        "报名成功。报名号{id}。{name}已报名{school}学生班车。{text}",
    ),
    "ask_which_signup": T("请问是哪一个报名？", "是哪个报名？", "请问是哪一个报名？"),
    "no_signups": T(
        "您还没有学生班车报名。要报名请说“给孩子报名学生班车”。", "您没有班车报名。", "您还没有学生班车报名。"
    ),
    "ask_signup_change": T(
        "要改什么？可以说“家改成嵩口村”“学校改成嵩口中心小学”或“只坐放学回家”。",
        "改什么？如“家改成嵩口村”“只坐放学”。",
        "要改什么？可以说家改成哪个村，学校改成哪所，或者只坐放学回家。",
    ),
    "signup_change_bad": T(
        "没听明白要改什么，请说新的村名、学校，或者“只坐上学”“只坐放学”。",
        "请说新村名、学校或“只坐放学”。",
        "没听明白要改什么，请说新的村名或者学校，或者说只坐上学、只坐放学。",
    ),
    "signup_status": T(
        "报名号{id}：{name}，{school}，家住{home}，{direction}，{status}。\n{text}",
        "报名{id}：{name}，{school}，{status}。{text}",
        "报名号{id}，{name}，{school}，家住{home}，{status}。{text}",
    ),
    "signup_change_confirm": T(
        "确认把报名{id}改为：{name}，{school}，家住{home}，{direction}",
        "报名{id}改为{school}，家住{home}，{direction}？",
        "报名{id}改为{school}，家住{home}，{direction}，对吗？",
    ),
    "signup_changed": T("改好了！报名号{id}：{name}，{school}，家住{home}。\n{text}", "已改好，报名{id}。{text}"),
    "signup_cancel_confirm": T(
        "确认取消{name}的学生班车报名（报名号{id}）吗？", "取消{name}的班车报名{id}？", "您要取消{name}的学生班车报名，对吗？"
    ),
    "signup_cancelled": T(
        "已取消报名{id}，{name}不再乘坐{school}学生班车。", "已取消报名{id}。", "报名{id}已经取消了。"
    ),
    # -- parcels ---------------------------------------------------------------------------
    "ask_parcel": T(
        "请告诉我快递单号，或者收件人手机号（后4位也行）。",
        "请发快递单号或收件手机号后4位。",
        "请说快递单号，或者收件人手机号的后4位。",
    ),
    "parcel_none_for_phone": T(
        "尾号{phone}的手机号没有查到包裹。可以发快递单号再查。", "尾号{phone}没有包裹，请发单号。"
    ),
    "parcel_bad": T("这不像快递单号，请核对后再发。", "单号不对，请核对。"),
    "parcel_code_sent": T("，取件码已短信发送到收件人尾号{tail}", "，取件码已短信发给收件人尾号{tail}"),
    "parcel_code_in_person": T("，请收件人带身份证到服务站取件", "，请收件人凭身份证取件"),
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


def render(key: str, style: Style, **values: Any) -> str:
    if key == "backend_refused" and plain_refusal(str(values.get("message", ""))) is None:
        key = "refused_plainly"  # a refusal worded for programmers: say what to do instead
    return TEXTS[key].pick(style).format(**values)


from dialogs.texts_promises import PROMISE_TEXTS, plain_refusal  # noqa: E402  (it builds on T above)

TEXTS.update(PROMISE_TEXTS)
