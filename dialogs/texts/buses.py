"""Bus departures with the feed's boarding rules, and journeys with changes."""

from __future__ import annotations

from dialogs.texts.base import T

BUSES_TEXTS: dict[str, T] = {
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
    "line_not_here": T(
        "{route}不经过{place}。经过{place}的是：{lines}。",
        "{route}不经过{place}，经过的有{lines}。",
        "{route}不经过{place}。经过{place}的是{lines}。",
    ),
    "no_arrivals": T("{place}接下来一段时间没有班车经过。", "{place}近期无班车。"),
    "arrival_line": T(
        "{route}约{minutes}分钟后到{stop}（{source}）{rule}",
        "{route}约{minutes}分钟到{rule}",
        "{route}大约{minutes}分钟后到{rule}",
    ),
    "arrival_line_at": T(
        "{route} {when}到{stop}（{source}）{rule}",
        "{route}班车{when}到{rule}",
        "{route}班车{when}到{rule}",
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
    # by SMS a leg is short typed values (route, board stop, times, alight stop), the change the wait
    "journey_sms_leg": T("{dep}在{board}乘{route}，{arr}到{alight}"),
    "journey_sms_change": T("等{wait}分钟，{dep}在{board}乘{route}，{arr}到{alight}"),
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
}
