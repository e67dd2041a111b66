"""Booking a ride (seat on a scheduled bus or demand-responsive), the citizen's existing bookings, the student shuttle."""

from __future__ import annotations

from dialogs.texts.base import T

RIDES_TEXTS: dict[str, T] = {
    # -- rides -----------------------------------------------------------------------------
    "ask_origin": T("请问从哪里出发？", "从哪里出发？", "请问从哪里出发？"),
    "ask_origin_to": T(
        "去{destination}，请问从哪里出发？", "去{destination}，从哪里出发？", "去{destination}，请问从哪里出发？"
    ),
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
    "ride_no_service": T(
        "{when}没有车可坐：村通约车每天{start}到{end}运行，那时前后也没有班车。请换个时间，比如“明天早上8点”。",
        "{when}无车：约车{start}-{end}运行。请换个时间，如“明天8点”。",
        "{when}没有车。村通约车每天{start}到{end}运行，请换个时间，比如明天早上8点。",
    ),
    "ride_no_service_bus": T(
        "{when}没有车可坐：村通约车每天{start}到{end}运行，离那时最近的班车是{bus}。请换个时间，比如“明天早上8点”。",
        "{when}无车：约车{start}-{end}运行，最近班车{bus}。请换个时间。",
        "{when}没有车。村通约车每天{start}到{end}运行，最近的班车是{bus}。请换个时间。",
    ),
    "charter_too_many": T("包车最多{max}人，请重新说人数。", "包车最多{max}人。"),
    "ride_confirm": T(
        "请确认：{when} {trip} {people}",
        "确认：{when}，{trip}，{people}",
        "您要预约{when}，{trip}，{people}，对吗？",
    ),
    # a booking's line, said alike in the read-back, the success and the bookings list; by SMS
    # it is fixed words between short values (an SMS template variable holds 35 characters)
    "trip_line": T(
        "{when} {trip} {people}", "{when}从{origin}到{destination}，{count}人", "{when} {trip} {people}"
    ),
    "seat_line": T(
        "{when} {route} {trip} {people}，{board}上车",
        "{when}坐{route}从{board}到{destination}，{count}人",
        "{when} {route} {trip} {people}，{board}上车",
    ),
    "charter_confirm": T(
        "请确认包车：{when} {trip} {people}",
        "确认包车：{when}，{trip}，{people}",
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
    "change_place_not_here": T(
        "订单{id}只能改时间和人数，上车地点和目的地改不了。要换地点，请说“取消预约”，再重新订车。",
        "订单{id}只能改时间和人数。换地点请回“取消预约”后重新订车。",
        "订单{id}只能改时间和人数，地点改不了。要换地点，请先说取消预约，再重新订车。",
    ),
    "change_confirm": T(
        "确认把订单{id}改为：{when} {trip} {people}",
        "订单{id}改为{when}，{people}？",
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
        "订单{id}：预计{eta}到{origin}接您，车牌{plate}，司机{driver}。",
    ),
    "booking_cancelled": T("订单{id}（{line}）已取消。", "订单{id}已取消。"),
    "booking_completed": T("订单{id}（{line}）的行程已结束。", "订单{id}已完成。"),
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
    # one leg of a shuttle timetable (a line of {text} above and below); by SMS fixed words
    # between short values, the route or 定制班车 in brackets
    "shuttle_leg": T(
        "{what}：{days} {departure} 从{board}出发，约 {arrival} 到{alight}{route}",
        "{what}：{days}，{departure}从{board}出发，约{arrival}到{alight}（{bus}）",
        "{what}：{days} {departure} 从{board}出发，约 {arrival} 到{alight}{route}",
    ),
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
    "signup_changed": T(
        "改好了！报名号{id}：{name}，{school}，家住{home}。\n{text}", "已改好，报名{id}。{text}"
    ),
    "signup_cancel_confirm": T(
        "确认取消{name}的学生班车报名（报名号{id}）吗？",
        "取消{name}的班车报名{id}？",
        "您要取消{name}的学生班车报名，对吗？",
    ),
    "signup_cancelled": T(
        "已取消报名{id}，{name}不再乘坐{school}学生班车。", "已取消报名{id}。", "报名{id}已经取消了。"
    ),
}
