"""Small foreign Rasa data sets written for the tests (a travel/restaurant helper, not the pilot's data).

`examples()` expands a few templates per intent over value lists into annotated Rasa lines:
cities (from a lookup table, with `from`/`to` roles on tickets), cuisines, dates, head counts
(`people`), order numbers (a regex), dish orders with groups, and a retrieval intent
`faq/ask_hours` / `faq/ask_parking`. `write_yaml`, `write_json` and `write_markdown` write the
same data in Rasa's three formats.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from nlu.training_data import parse_annotated

CITIES = ["北京", "上海", "广州", "杭州", "成都", "西安", "南京", "武汉"]
UNSEEN_CITIES = ["厦门", "青岛"]  # only in the lookup table, never in an example
CUISINES = ["川菜", "粤菜", "火锅", "日料", "西餐", "烧烤"]
DATES = ["明天", "后天", "周六", "下周一", "今晚"]
PEOPLE = ["两位", "3个人", "四个人", "5位", "六个人"]


def _city(name: str, role: str | None = None) -> str:
    if role is None:
        return f"[{name}](city)"
    return f'[{name}]{{"entity": "city", "role": "{role}"}}'


def examples() -> dict[str, list[str]]:
    """Annotated example lines per intent (retrieval intents as `faq/ask_x`)."""
    pairs = list(itertools.permutations(CITIES[:6], 2))
    out: dict[str, list[str]] = {
        "ask_weather": [], "book_ticket": [], "book_table": [], "check_order": [], "order_food": [],
    }  # fmt: skip
    for i, city in enumerate(CITIES):
        date = DATES[i % len(DATES)]
        out["ask_weather"] += [f"{_city(city)}[{date}](date)天气怎么样", f"[{date}](date){_city(city)}会下雨吗",
                               f"查一下{_city(city)}的天气"]  # fmt: skip
    out["ask_weather"] += ['[帝都]{"entity": "city", "value": "北京"}[明天](date)会下雨吗', "查一下[魔都](city)的天气",
                           '[帝都]{"entity": "city", "value": "北京"}的天气', "[魔都](city)[后天](date)天气怎么样"]
    for a, b in pairs[:24]:
        out["book_ticket"].append(f"买一张从{_city(a, 'from')}到{_city(b, 'to')}的票")
    for a, b in pairs[6:20]:
        out["book_ticket"].append(f"{_city(a, 'from')}去{_city(b, 'to')}的车票")
    for i, cuisine in enumerate(CUISINES * 3):
        people, date = PEOPLE[i % len(PEOPLE)], DATES[(i + 2) % len(DATES)]
        out["book_table"] += [f"订[{date}](date)[{people}](people)的[{cuisine}](cuisine)",
                              f"想吃[{cuisine}](cuisine)，[{people}](people)"]  # fmt: skip
    out["book_table"] = sorted(set(out["book_table"]))
    for n in range(12):
        number = f"DD{20250100 + n * 37:08d}"
        out["check_order"] += [f"订单[{number}](order_id)到哪了", f"查下[{number}](order_id)"]
    dishes = ["牛肉面", "炒饭", "饺子", "馄饨", "米粉"]
    for a, b in itertools.permutations(dishes, 2):
        out["order_food"].append(
            f'[一份]{{"entity": "amount", "group": "1"}}[{a}]{{"entity": "dish", "group": "1"}}和'
            f'[两份]{{"entity": "amount", "group": "2"}}[{b}]{{"entity": "dish", "group": "2"}}'
        )
    out["order_food"] = out["order_food"][:12]
    out["greet"] = ["你好", "您好", "早上好", "嗨", "哈喽", "在吗", "你好啊", "晚上好"]
    out["goodbye"] = ["再见", "拜拜", "下次见", "回头聊", "先这样吧再见", "bye"]
    out["faq/ask_hours"] = ["几点开门", "营业时间是几点", "你们几点关门", "晚上开到几点", "周末营业吗"]
    out["faq/ask_parking"] = ["有停车位吗", "能停车吗", "停车方便吗", "附近有停车场吗", "停车收费吗"]
    return out


SYNONYMS = {"北京": ["帝都"], "上海": ["魔都"]}
REGEX = {"order_id": ["DD\\d{8}"]}
LOOKUP = {"city": CITIES + UNSEEN_CITIES}


def write_yaml(folder: Path) -> Path:
    """The data set as Rasa 3 YAML, split over two files as projects do."""
    folder.mkdir(parents=True, exist_ok=True)
    blocks = [
        f"- intent: {intent}\n  examples: |\n" + "".join(f"    - {line}\n" for line in lines)
        for intent, lines in examples().items()
    ]
    (folder / "nlu.yml").write_text('version: "3.1"\nnlu:\n' + "".join(blocks), encoding="utf-8")
    extra = [f"- synonym: {v}\n  examples: |\n" + "".join(f"    - {s}\n" for s in ss) for v, ss in SYNONYMS.items()]
    extra += [f"- regex: {n}\n  examples: |\n" + "".join(f"    - {p}\n" for p in ps) for n, ps in REGEX.items()]
    extra += [f"- lookup: {n}\n  examples: |\n" + "".join(f"    - {e}\n" for e in es) for n, es in LOOKUP.items()]
    (folder / "features.yml").write_text('version: "3.1"\nnlu:\n' + "".join(extra), encoding="utf-8")
    (folder / "domain.yml").write_text('version: "3.1"\nintents:\n- greet\n', encoding="utf-8")
    return folder


def write_json(path: Path) -> Path:
    """The data set as one Rasa JSON file (`rasa_nlu_data`), entities by offsets."""
    common = []
    for intent, lines in examples().items():
        for line in lines:
            text, ents = parse_annotated(line)
            entities = []
            for e in ents:
                item = {"start": e.start, "end": e.end, "value": e.value, "entity": e.entity}
                item.update({k: v for k, v in (("role", e.role), ("group", e.group)) if v is not None})
                entities.append(item)
            common.append({"text": text, "intent": intent, "entities": entities})
    doc = {
        "rasa_nlu_data": {
            "common_examples": common,
            "entity_synonyms": [{"value": v, "synonyms": ss} for v, ss in SYNONYMS.items()],
            "regex_features": [{"name": n, "pattern": p} for n, ps in REGEX.items() for p in ps],
            "lookup_tables": [{"name": n, "elements": es} for n, es in LOOKUP.items()],
        }
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_markdown(path: Path) -> Path:
    """The data set as a Rasa 1.x/2.x Markdown file (lookup table from a separate file)."""
    parts = []
    for intent, lines in examples().items():
        parts.append(f"## intent:{intent}\n" + "".join(f"- {line}\n" for line in lines))
    parts += [f"## synonym:{v} <!-- a comment -->\n" + "".join(f"* {s}\n" for s in ss) for v, ss in SYNONYMS.items()]
    parts += [f"## regex:{n}\n" + "".join(f"- {p}\n" for p in ps) for n, ps in REGEX.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    for name, entries in LOOKUP.items():
        (path.parent / f"{name}.txt").write_text("\n".join(entries) + "\n", encoding="utf-8")
        parts.append(f"## lookup:{name}\n{name}.txt\n")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
