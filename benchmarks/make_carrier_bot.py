"""Write the foreign Rasa test set of `benchmarks/rasa_foreign.py`: a Chinese mobile-carrier bot.

A Rasa project folder as another team would write it (not the pilot county's data): 15 intents,
7 entity types (phone_number with roles, amount, package, service, month, city, data_volume),
`regex:` and `lookup:` blocks and synonyms. Held-out messages use templates AND values that
no training example uses (every fifth template of an intent, about a fifth of every value
list), so the figures measure generalisation, not memory; lookup tables list every package,
service and city, as a carrier's catalogue would. Deterministic (fixed seed).
Run: `python benchmarks/make_carrier_bot.py` (rewrites benchmarks/data/carrier_bot/ and
benchmarks/data/carrier_bot_heldout.yml).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "carrier_bot"
SEED = 7

PACKAGES = ["畅享套餐", "5G畅享套餐", "无限流量套餐", "校园卡套餐", "老年卡套餐", "大王卡", "花卡", "冰激凌套餐",
            "神州行套餐", "动感地带套餐", "全球通套餐", "腾讯王卡", "19元保号套餐", "59元套餐", "129元套餐",
            "家庭融合套餐", "全家享套餐", "宝藏卡", "99元套餐", "日租卡"]  # fmt: skip
SERVICES = ["彩铃", "来电显示", "视频彩铃", "来电提醒", "短信提醒", "视频会员", "语音信箱", "呼叫转移", "5G加速包",
            "流量提醒", "亲情号码", "手机报", "云盘", "安全助手", "音乐包"]  # fmt: skip
CITIES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "重庆", "天津", "苏州", "长沙",
          "郑州", "昆明", "厦门", "青岛", "大连", "沈阳", "合肥", "福州", "南宁", "贵阳", "兰州", "海口"]  # fmt: skip
MONTHS = ["上个月", "这个月", "本月", "上月", "前两个月", "最近三个月", "1月份", "2月", "3月份", "4月", "5月份",
          "六月份", "七月", "八月份", "去年12月", "今年二月", "十月份", "9月", "最近半年", "11月份"]  # fmt: skip
AMOUNTS_TRAIN = ["10元", "20块", "30块钱", "50元", "100元", "200块", "五十块", "一百块钱", "300元", "两百元", "20元钱"]
AMOUNTS_TEST = ["60元", "150块", "八十块钱", "500元", "三十块", "40元钱"]
VOLUMES_TRAIN = ["1G", "2个G", "500M", "10GB", "5G流量", "3个G", "100兆", "20G"]
VOLUMES_TEST = ["6G", "300M", "8个G", "15GB"]
SYNONYMS = {"话费": ["电话费", "手机费"], "彩铃": ["炫铃"], "大王卡": ["王卡"]}

T = {
    "query_balance": ["查一下话费余额", "我还剩多少话费", "{phone}还有多少钱", "帮我看看{phone}的余额", "余额多少",
                      "话费还剩多少啊", "查询{phone}的话费", "我的手机欠费了吗", "看下还有多少余额",
                      "{phone}这个号余额多少", "我想知道现在话费还有多少", "帮查下余额", "账户里还有钱吗",
                      "查{phone}余额", "话费余额查询", "我卡里还有多少钱", "帮我查查{phone}还剩多少话费", "现在余额是多少", "看一下账户余额", "{phone}是不是欠费了", "我是不是没话费了", "剩余话费多少钱", "查询余额", "{phone}余额还够不够"],
    "recharge": ["给{phone_t}充{amount}", "充{amount}话费", "帮我充值{amount}", "我要给{phone_t}交{amount}话费",
                 "往{phone_t}里充{amount}", "交{amount}话费", "充值{amount}到{phone_t}", "话费充{amount}",
                 "给我妈的号{phone_t}充{amount}", "帮{phone_t}缴费{amount}", "我想充点话费", "能给{phone_t}充值吗",
                 "充个{amount}", "缴{amount}电话费", "我要充话费", "帮忙充{amount}", "给{phone_t}充点钱", "在线充值{amount}", "我想交{amount}的话费", "给这个号{phone_t}充{amount}", "预存{amount}话费", "充值{amount}可以吗", "充话费{amount}", "替{phone_t}交话费"],
    "query_bill": ["查{month}账单", "{month}花了多少钱", "看看{month}的话费账单", "我{month}的账单是多少",
                   "{month}扣了多少费", "帮我查一下{month}的消费", "账单明细", "{month}话费怎么这么多",
                   "打印{month}的发票", "{month}的月结账单发我", "查下{phone}{month}的账单", "{month}消费详情",
                   "我要看账单", "{month}为什么扣费这么多", "{month}的账单出来了吗", "查询账单", "{month}月租多少", "我想看{month}的费用", "{month}的话费清单", "发一下{month}账单", "账单怎么查", "{month}一共花了多少", "{month}的扣费明细", "查下{month}话费"],
    "query_data_usage": ["流量还剩多少", "{month}用了多少流量", "查一下剩余流量", "我的流量用完了吗", "还有多少G流量",
                         "{month}流量使用情况", "看看{phone}的流量", "流量超了没有", "查询{month}的流量明细",
                         "套餐内流量还剩多少", "我这个月流量够用吗", "剩余流量查询", "帮我看下流量",
                         "{month}流量用了多少", "我用了多少流量", "流量用了多少了", "帮我查{phone}流量剩余", "{month}的流量还剩吗", "通用流量还有多少", "流量余量", "还剩几个G", "查查流量", "{month}流量超没超", "看看流量使用"],
    "change_package": ["我想换成{package}", "把套餐改成{package}", "改{package}", "办理{package}", "{package}怎么办理",
                       "换个便宜点的套餐", "我要转{package}", "现在的套餐换成{package}", "能不能换{package}",
                       "帮我变更到{package}", "{package}多少钱一个月", "下个月起用{package}", "套餐变更",
                       "我想了解一下{package}", "我要改套餐", "换成{package}行不行", "取消现在的套餐换{package}", "想办{package}", "{package}有什么优惠", "改成{package}吧", "怎么换套餐", "给{phone}换{package}", "申请{package}", "办个{package}"],
    "subscribe_service": ["开通{service}", "我要开{service}", "帮我办一个{service}", "怎么开通{service}",
                          "给{phone}开{service}", "订{service}", "申请开通{service}业务", "{service}怎么开",
                          "我想加个{service}", "开一下{service}功能", "办理{service}", "我要订购{service}",
                          "{service}能开吗", "给我开通{service}服务", "帮我开{service}", "{service}要开通", "我需要{service}", "开通{service}多少钱", "能帮我开{service}吗", "订一个{service}", "{service}在哪里开", "想开通{service}", "请开通{service}", "加开{service}"],
    "cancel_service": ["取消{service}", "退订{service}", "把{service}关了", "我不要{service}了", "{service}怎么取消",
                       "关闭{service}业务", "帮我退掉{service}", "停掉{service}", "{service}不想用了",
                       "怎么退订{service}", "给{phone}关掉{service}", "我要取消{service}服务",
                       "{service}一直扣钱帮我退了", "把{service}取消掉", "{service}退了", "帮我把{service}退订了", "不想要{service}", "关了{service}", "取消一下{service}", "{service}给我停了", "我想关闭{service}", "退掉{service}业务", "{service}关掉", "注销{service}"],
    "buy_data_pack": ["买{volume}", "加{volume}流量包", "我要订{volume}的流量包", "再买{volume}", "流量不够了加{volume}",
                      "办个{volume}流量", "充{volume}流量", "有没有{volume}的加油包", "给{phone}加{volume}",
                      "购买{volume}流量包", "来个{volume}", "叠加{volume}流量", "流量包怎么买",
                      "想加{volume}", "加个流量包", "再来{volume}流量", "我想买{volume}的流量", "订购{volume}", "流量包{volume}多少钱", "加购{volume}", "能买{volume}吗", "给我加{volume}流量", "补{volume}流量", "买流量包"],
    "report_signal": ["{city}信号很差", "在{city}打不了电话", "{city}这边没信号", "我在{city}上不了网",
                      "{city}网速太慢了", "信号不好", "{city}4G一直断", "手机在{city}老是掉线",
                      "投诉{city}的信号问题", "{city}某某小区没有信号", "为什么{city}打电话听不清", "网络好卡",
                      "{city}5G信号弱", "人在{city}网络连不上", "{city}没信号了", "在{city}信号时有时无", "{city}打电话断断续续", "{city}的网太差了", "我这里信号差", "{city}手机上网很慢", "家里在{city}信号只有一格", "{city}基站是不是坏了", "网络故障", "{city}老是无服务"],
    "roaming": ["去{city}要开漫游吗", "我下周去{city}手机能用吗", "在{city}打电话收漫游费吗", "{city}漫游怎么收费",
                "出差到{city}流量怎么算", "去{city}用{service}要钱吗", "漫游费多少", "到{city}需要开通什么",
                "人在{city}接电话收费吗", "在{city}上网贵不贵", "我要去{city}旅游手机怎么办", "异地漫游",
                "{city}算不算漫游", "到了{city}还能用流量吗", "在{city}有漫游费吗", "去{city}出差话费怎么算", "漫游怎么收费", "{city}是省内还是省外", "到{city}打电话贵吗", "我在{city}流量算漫游吗", "去{city}前要办什么", "外地用流量收费吗", "{city}接听免费吗", "跨省漫游"],
    "greet": ["你好", "您好", "在吗", "哈喽", "早上好", "喂", "hi", "晚上好", "客服你好", "有人吗", "嗨", "你好啊",
              "下午好", "hello", "你好呀", "早", "哈喽客服", "嗨你好", "请问在吗", "您好客服", "喂你好", "上午好", "在不在", "你好请问"],
    "goodbye": ["再见", "拜拜", "好的再见", "没事了拜拜", "就这样吧再见", "bye", "下次再聊", "先这样",
                "回头见", "挂了", "好了谢谢再见", "没别的事了", "结束", "886", "再会", "拜", "好的拜拜", "那就这样", "下次见", "没事了", "我先走了", "再见啦", "告辞", "bye bye"],
    "thanks": ["谢谢", "谢谢你", "多谢", "感谢", "太感谢了", "辛苦了", "谢啦", "非常感谢", "麻烦你了", "thx",
               "谢谢客服", "好的谢谢", "感谢帮忙", "多谢多谢", "谢谢啊", "感谢感谢", "谢了", "万分感谢", "谢谢您", "多谢了", "thanks", "谢谢帮忙", "感谢你", "好的多谢"],
    "affirm": ["是的", "对", "好的", "确认", "没错", "可以", "行", "嗯嗯", "对的", "是", "好", "ok", "没问题", "确定", "是的是的", "对对", "好啊", "可以的", "确认无误", "就这样办", "同意", "嗯", "行的", "对没错"],
    "deny": ["不是", "不对", "不要", "算了", "不用了", "不", "错了", "不行", "没有", "取消吧", "不需要",
             "别", "不是这个", "否", "不是的", "不要了", "我不要", "不可以", "不用", "没", "不对不对", "别弄了", "不同意", "不好"],
}  # fmt: skip


def _split(values: list[str], rng: random.Random) -> tuple[list[str], list[str]]:
    shuffled = values[:]
    rng.shuffle(shuffled)
    cut = max(1, len(values) // 5)
    return shuffled[cut:], shuffled[:cut]


def _phone(rng: random.Random) -> str:
    return rng.choice(["13", "15", "18", "17", "19"]) + "".join(rng.choice("0123456789") for _ in range(9))


def _fill(template: str, values: dict[str, list[str]], rng: random.Random) -> str:
    def slot(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "phone":
            return f"[{_phone(rng)}](phone_number)"
        if name == "phone_t":
            return "[" + _phone(rng) + ']{"entity": "phone_number", "role": "target"}'
        entity = {"volume": "data_volume"}.get(name, name)
        value = rng.choice(values[name])
        for canonical, surfaces in SYNONYMS.items():
            if value == canonical and rng.random() < 0.3:
                surface = rng.choice(surfaces)
                return f'[{surface}]{{"entity": "{entity}", "value": "{canonical}"}}'
        return f"[{value}]({entity})"

    return re.sub(r"\{(\w+)\}", slot, template)


def _block(intent: str, lines: list[str]) -> str:
    return f"- intent: {intent}\n  examples: |\n" + "".join(f"    - {line}\n" for line in lines)


def main() -> int:
    rng = random.Random(SEED)
    train_values: dict[str, list[str]] = {}
    test_values: dict[str, list[str]] = {}
    for name, values in (("package", PACKAGES), ("service", SERVICES), ("city", CITIES), ("month", MONTHS)):
        train_values[name], test_values[name] = _split(values, rng)
    train_values["amount"], test_values["amount"] = AMOUNTS_TRAIN, AMOUNTS_TEST
    train_values["volume"], test_values["volume"] = VOLUMES_TRAIN, VOLUMES_TEST
    train, test = [], []
    for intent, templates in T.items():
        train_t = [t for i, t in enumerate(templates) if i % 5 != 2]
        test_t = [t for i, t in enumerate(templates) if i % 5 == 2]
        per_template = 4 if "{" in "".join(templates) else 1
        lines = {_fill(t, train_values, rng) for t in train_t for _ in range(per_template)}
        train.append(_block(intent, sorted(lines)))
        lines = {_fill(t, test_values, rng) for t in test_t for _ in range(per_template)}
        test.append(_block(intent, sorted(lines)))
    extras = [
        "- regex: phone_number\n  examples: |\n    - 1[3-9]\\d{9}\n",
        "- regex: amount\n  examples: |\n    - \\d+(元|块)\n",
        "- regex: data_volume\n  examples: |\n    - \\d+(G|M|GB|个G|兆)\n",
    ]
    for name, values in (("package", PACKAGES), ("service", SERVICES), ("city", CITIES)):
        extras.append(f"- lookup: {name}\n  examples: |\n" + "".join(f"    - {v}\n" for v in values))
    for canonical, surfaces in SYNONYMS.items():
        extras.append(f"- synonym: {canonical}\n  examples: |\n" + "".join(f"    - {s}\n" for s in surfaces))
    (OUT / "data").mkdir(parents=True, exist_ok=True)
    header = 'version: "3.1"\nnlu:\n'
    (OUT / "data" / "nlu.yml").write_text(header + "".join(train), encoding="utf-8")
    (OUT / "data" / "features.yml").write_text(header + "".join(extras), encoding="utf-8")
    (OUT.parent / "carrier_bot_heldout.yml").write_text(header + "".join(test), encoding="utf-8")
    entities = ["phone_number", "amount", "package", "service", "month", "city", "data_volume"]
    domain = {"version": "3.1", "intents": list(T), "entities": entities}
    (OUT / "domain.yml").write_text(json.dumps(domain, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
