"""The SMS template registry (channels/sms_templates.yaml): domestic providers send only
pre-approved templates, so every outgoing SMS text must be one template with its
variables filled in.

`TemplateRegistry.load` reads and checks the file at start-up (a broken registry stops
start-up with one line naming the template). The rules are the providers' template review
rules (Aliyun 短信模板规范, Tencent 正文模板审核标准): a variable is a short typed value (a time,
name, number, code) between fixed words, never beside another variable, used once in its
template, at most 35 characters (Aliyun's limit for every variable; there is no longer
variable to apply for, so a `long` key is refused; Tencent needs an enterprise-certified
account, whose variables have no smaller limit); a verification code is 4-6 digits; the whole
text at most 500 characters; no template may carry a lead-in sentence or the numbered choices
as a variable (`${lead}`, `${options}` are refused).

`compose(text)` cuts an already-written answer into the templates it is made of, each sent
as its own SMS in order: lead-ins (templates marked `lead: true`, e.g. 好，/ 没听明白。), the
answer's own template, then the numbered choices in one block template (`options_1_2_0`)
or, for numberings no block has, one `option_<n>` template per choice ("\n回复1 确认").
The signature 【村通】 is dropped (the provider adds it); every value must be non-empty (the
providers refuse an empty variable) and within its declared length; the most specific
template (most fixed text) wins. `match(text)` is the
one-template case. A text that does not compose cannot be sent by SMS through a domestic
provider.
Lists are block templates of numbered lines (`departures_3`: "${trip}班车：${line_1}；${line_2}；
${line_3}"), ordinary templates to `compose`. Free text that is really free (a refusal, a story read
back, an agent's reply or resolution) ends its template and the template names a continuation
(`more: agent_reply_more`, "客服回复（${part}/${parts}）：${content}"): a value longer than 35
characters is cut (at punctuation where it can, `channels.sms_parts`) into the template's own
variable and then one continuation SMS per further piece, numbered "2/3", "3/3", in order,
nothing lost (`joined(uses)` reads the text back). `agent_reply(text)` is an agent's free text
as the generic 客服回复 template and its continuations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from channels.sms_parts import cut

DEFAULT_PATH = Path(__file__).with_name("sms_templates.yaml")
PROVIDERS = ("aliyun", "tencent")
SIGN = "【村通】"
MIN_FIXED = 2  # a template that is (almost) all variables is not approved
MAX_CONTENT = 500  # characters in one SMS, signature and variables' values included (both providers)
MAX_VARIABLE = 35  # characters in one variable (Aliyun: 1~35, nothing longer is approved)
CODE_DIGITS = (4, 6)  # a verification code variable (both providers)
CODE_KIND, CODE_VARIABLE = "verification_code", "code"
CONTINUATION_KIND = "continuation"
CONTINUATION_VARIABLES = ("part", "parts", "content")
RESERVED = frozenset({"lead", "options"})  # lead-ins and choices are templates of their own
AGENT_REPLY = "agent_reply"
OPTION_PREFIX = "option_"
OPTIONS_PREFIX = "options_"  # a block of numbered choices in one SMS
_VARIABLE = re.compile(r"\$\{(\w+)\}")
# providers refuse ${a}${b} (and ${a} ${b}): fixed words must stand between two variables
_ADJACENT = re.compile(r"\$\{(\w+)\}\s*(?=\$\{(\w+)\})")
_OPTION_LINE = re.compile(r"回复(\d{1,2}) (.+)")
ELLIPSIS = "…"
MAX_LEADS = 3


class TemplateError(ValueError):
    """The registry file cannot work; the message names the template."""


@dataclass(frozen=True)
class SmsTemplate:
    name: str
    kind: str
    content: str
    params: dict[str, int]  # variable -> longest value (characters)
    codes: dict[str, str]  # provider -> template code
    lead: bool = False  # may also come first in another answer (好，/ 没听明白。)
    more: str | None = None  # the continuation template of its last variable (free text)

    @property
    def variables(self) -> list[str]:
        """Variables in the order they appear (Tencent's TemplateParamSet order)."""
        seen: list[str] = []
        for name in _VARIABLE.findall(self.content):
            if name not in seen:
                seen.append(name)
        return seen

    @property
    def fixed_chars(self) -> int:
        return len(_VARIABLE.sub("", self.content))


@dataclass(frozen=True)
class TemplateUse:
    """A text as a template and its values: what a domestic provider is asked to send."""

    template: SmsTemplate
    values: dict[str, str]
    before: str = ""  # what stands between the previous SMS of the answer and this one ("\n")
    continued: bool = False  # a continuation: its content carries on the previous SMS's last variable

    def ordered_values(self) -> list[str]:
        return [self.values[name] for name in self.template.variables]

    def render(self) -> str:
        return _VARIABLE.sub(lambda m: self.values[m.group(1)], self.template.content)


def joined(uses: list[TemplateUse]) -> str:
    """The text the SMS of an answer carry, read back (continuations rejoined)."""
    return "".join(use.values["content"] if use.continued else use.before + use.render() for use in uses)


class TemplateRegistry:
    def __init__(self, templates: list[SmsTemplate]) -> None:
        self.templates = {t.name: t for t in templates}
        self._compiled = sorted(
            ((re.compile(_pattern(t), re.DOTALL), t) for t in templates if t.name != AGENT_REPLY),
            key=lambda item: -item[1].fixed_chars,
        )
        self._leads = [(pattern, t) for pattern, t in self._compiled if t.lead and t.fixed_chars > 0]
        self._continued = sorted(
            ((re.compile(_pattern(t, free=t.variables[-1]), re.DOTALL), t) for t in templates if t.more),
            key=lambda item: -item[1].fixed_chars,
        )

    @classmethod
    def load(cls, path: Path | None = None) -> TemplateRegistry:
        path = path or DEFAULT_PATH
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise TemplateError(f"短信模板文件 {path} 无法读取：{exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("templates"), list):
            raise TemplateError(f"短信模板文件 {path} 应有 templates 列表")
        templates = [_template(entry, index) for index, entry in enumerate(data["templates"])]
        names = [t.name for t in templates]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise TemplateError(f"短信模板重名：{', '.join(duplicated)}")
        _check_codes_unique(templates)
        if AGENT_REPLY not in names:
            raise TemplateError(f"短信模板缺少 {AGENT_REPLY}（客服回复）")
        by_name = {t.name: t for t in templates}
        for template in templates:
            if template.more and getattr(by_name.get(template.more), "kind", None) != CONTINUATION_KIND:
                raise TemplateError(f"短信模板 {template.name}：more 应是一个 kind: {CONTINUATION_KIND} 的模板")
        return cls(templates)

    def check_provider(self, provider: str) -> None:
        """Every template has a code for `provider` (checked at start-up for the one in use)."""
        missing = [t.name for t in self.templates.values() if not t.codes.get(provider)]
        if missing:
            raise TemplateError(f"短信模板没有 {provider} 的模板编号：{', '.join(missing[:5])}")

    def match(self, text: str) -> TemplateUse | None:
        """The one template `text` is an instance of (lead-ins and choices not allowed)."""
        body = _body(text)
        return next((use for use, _ in self._uses(body, 0, self._compiled, whole=True)), None)

    def compose(self, text: str) -> list[TemplateUse] | None:
        """The templates `text` is made of, in order (None: it is not made of templates)."""
        lines = _body(text).split("\n")
        options: list[TemplateUse] = []
        while len(lines) > 1 and (found := _OPTION_LINE.fullmatch(lines[-1])):
            template = self.templates.get(f"{OPTION_PREFIX}{found.group(1)}")
            if template is None or len(found.group(2)) > template.params["choice"]:
                return None
            options.insert(0, TemplateUse(template, {"choice": found.group(2)}, before="\n"))
            lines.pop()
        uses = self._sequence("\n".join(lines), 0, depth=0)
        return None if uses is None or not uses else uses + self._option_block(options)

    def _option_block(self, options: list[TemplateUse]) -> list[TemplateUse]:
        """The numbered choices as one SMS when a block template has exactly these numbers
        (options_1_2_0: 回复1 …/回复2 …/回复0 …), else one SMS per choice."""
        numbers = [use.template.name.removeprefix(OPTION_PREFIX) for use in options]
        block = self.templates.get(OPTIONS_PREFIX + "_".join(numbers)) if options else None
        if block is None:
            return options
        values = {f"choice_{n}": use.values["choice"] for n, use in zip(numbers, options, strict=True)}
        if any(len(value) > block.params[name] for name, value in values.items()):
            return options
        return [TemplateUse(block, values, before="\n")]

    def _sequence(self, body: str, start: int, *, depth: int) -> list[TemplateUse] | None:
        """Lead-ins, then one template covering the rest of `body` (a few lead-ins at most)."""
        whole = next((use for use, _ in self._uses(body, start, self._compiled, whole=True)), None)
        if whole is not None:
            return [whole]
        if (continued := self._continue(body, start)) is not None:
            return continued
        if depth >= MAX_LEADS:
            return None
        for use, end in self._uses(body, start, self._leads, whole=False):
            if end > start and (rest := self._sequence(body, end, depth=depth + 1)) is not None:
                return [use, *rest]
        return None

    @staticmethod
    def _uses(
        body: str, start: int, compiled: list[tuple[re.Pattern[str], SmsTemplate]], *, whole: bool
    ) -> Iterator[tuple[TemplateUse, int]]:
        for pattern, template in compiled:
            found = pattern.fullmatch(body, start) if whole else pattern.match(body, start)
            if found is None:
                continue
            values = {name: found.group(name) for name in template.variables}
            if all(len(value) <= template.params[name] for name, value in values.items()):
                yield TemplateUse(template, values), found.end()


    def _continue(self, body: str, start: int) -> list[TemplateUse] | None:
        """`body[start:]` as a template whose last variable is longer than it may be: the
        template with the first piece, then its continuation template for each further piece."""
        for pattern, template in self._continued:
            found = pattern.fullmatch(body, start)
            if found is None:
                continue
            values = {name: found.group(name) for name in template.variables}
            free = template.variables[-1]
            if any(len(v) > template.params[k] for k, v in values.items() if k != free) or not values[free]:
                continue
            return self.continued(template, values)
        return None

    def continued(self, template: SmsTemplate, values: dict[str, str]) -> list[TemplateUse]:
        """The template with its last variable's value cut to fit, then the continuations."""
        free = template.variables[-1]
        more = self.templates[template.more] if template.more else None
        first = template.params[free]
        if more is None or len(values[free]) <= first:
            return [TemplateUse(template, values)]
        pieces = cut(values[free], first, more.params["content"])
        parts = str(len(pieces))
        head = TemplateUse(template, {**values, free: pieces[0]})
        rest = [
            TemplateUse(more, {"part": str(number), "parts": parts, "content": piece}, continued=True)
            for number, piece in enumerate(pieces[1:], start=2)
        ]
        return [head, *rest]

    def agent_reply(self, text: str) -> list[TemplateUse]:
        """An agent's free text: the 客服回复 template, and continuations for a longer text."""
        template = self.templates[AGENT_REPLY]
        [name] = template.variables
        return self.continued(template, {name: text.strip() or ELLIPSIS})


def is_code(template: SmsTemplate, name: str) -> bool:
    return template.kind == CODE_KIND and name == CODE_VARIABLE


def _check_codes_unique(templates: list[SmsTemplate]) -> None:
    """One approved template per code: two texts sharing a code would send one of them with
    the other's approved wording."""
    for provider in PROVIDERS:
        seen: dict[str, str] = {}
        for template in templates:
            code = template.codes.get(provider)
            if code is None:
                continue
            if code in seen:
                raise TemplateError(
                    f"短信模板 {seen[code]} 和 {template.name} 用了同一个 {provider} 模板编号 {code}（每个模板要有自己的编号）"
                )
            seen[code] = template.name


def _body(text: str) -> str:
    return text.strip().removeprefix(SIGN).strip()


def _template(entry: Any, index: int) -> SmsTemplate:
    if not isinstance(entry, dict):
        raise TemplateError(f"第 {index + 1} 个短信模板不是映射")
    name = str(entry.get("name") or f"#{index + 1}")
    content, params, codes = entry.get("content"), entry.get("params") or {}, entry.get("codes") or {}
    if not isinstance(content, str) or not content.strip():
        raise TemplateError(f"短信模板 {name}：content 不能为空")
    if not entry.get("kind"):
        raise TemplateError(f"短信模板 {name}：缺少 kind")
    if not isinstance(params, dict) or not all(isinstance(v, int) and 0 < v <= MAX_CONTENT for v in params.values()):
        raise TemplateError(f"短信模板 {name}：params 应为 变量名: 最长字数（1-{MAX_CONTENT}）")
    used = set(_VARIABLE.findall(content))
    if used != set(params):
        raise TemplateError(f"短信模板 {name}：内容中的变量 {sorted(used)} 与 params {sorted(params)} 不一致")
    _check_variables(name, entry, content, params)
    fixed = _VARIABLE.sub("", content)
    if entry.get("kind") != "lead_in" and len(fixed) < MIN_FIXED:
        raise TemplateError(f"短信模板 {name}：固定文字太少（全变量模板不会获批）")
    if len(SIGN) + len(fixed) + sum(params.values()) > MAX_CONTENT:
        raise TemplateError(f"短信模板 {name}：签名、固定文字和变量最长合计超过 {MAX_CONTENT} 字")
    unknown = sorted(set(codes) - set(PROVIDERS))
    if not isinstance(codes, dict) or unknown:
        raise TemplateError(f"短信模板 {name}：codes 只能有 {', '.join(PROVIDERS)}，收到 {unknown}")
    return SmsTemplate(
        name=name,
        kind=str(entry["kind"]),
        content=content,
        params={str(k): int(v) for k, v in params.items()},
        codes={str(k): str(v) for k, v in codes.items() if v},
        lead=bool(entry.get("lead")),
        more=str(entry["more"]) if entry.get("more") else None,
    )


def _check_variables(name: str, entry: dict[str, Any], content: str, params: dict[str, int]) -> None:
    """The providers' review rules for variables (see the module's docstring)."""
    reserved = sorted(RESERVED & set(params))
    if reserved:
        raise TemplateError(
            f"短信模板 {name}：不能有变量 ${{{reserved[0]}}}；开场白和数字选项是单独的模板（lead: true / option_n），"
            "变量只能是时间、名称、数字、编号等短值"
        )
    adjacent = [f"${{{a}}}${{{b}}}" for a, b in _ADJACENT.findall(content)]
    if adjacent:
        raise TemplateError(f"短信模板 {name}：变量 {adjacent[0]} 相邻，中间要有固定文字或合成一个变量")
    if "long" in entry:
        raise TemplateError(
            f"短信模板 {name}：没有“长变量”可申请（每个变量最多 {MAX_VARIABLE} 字）；"
            "长的自由文字用 more 续发，列表用编号的分行模板"
        )
    used = _VARIABLE.findall(content)
    twice = sorted({var for var in used if used.count(var) > 1})
    if twice:
        raise TemplateError(f"短信模板 {name}：变量 ${{{twice[0]}}} 出现了不止一次（同一变量在模板中只可出现一次）")
    too_long = sorted(var for var, limit in params.items() if limit > MAX_VARIABLE)
    if too_long:
        raise TemplateError(
            f"短信模板 {name}：变量 ${{{too_long[0]}}} 最长 {params[too_long[0]]} 字，超过每个变量 {MAX_VARIABLE} 字"
        )
    if entry.get("kind") == CODE_KIND and not CODE_DIGITS[0] <= params.get(CODE_VARIABLE, 0) <= CODE_DIGITS[1]:
        raise TemplateError(f"短信模板 {name}：验证码变量 ${{{CODE_VARIABLE}}} 应为 {CODE_DIGITS[0]}-{CODE_DIGITS[1]} 位")
    if entry.get("kind") == CONTINUATION_KIND and tuple(_VARIABLE.findall(content)) != CONTINUATION_VARIABLES:
        raise TemplateError(f"短信模板 {name}：续发模板的变量应依次为 {', '.join(CONTINUATION_VARIABLES)}")
    if entry.get("more") and not (used and content.endswith(f"${{{used[-1]}}}")):
        raise TemplateError(f"短信模板 {name}：有 more 的模板要以它的自由文字变量结尾")


def _pattern(template: SmsTemplate, *, free: str | None = None) -> str:
    """The template as a regular expression: fixed text literal, each variable a group
    (`free`: that one of any length, for a template continued in more SMS)."""
    out: list[str] = []
    position = 0
    for found in _VARIABLE.finditer(template.content):
        out.append(re.escape(template.content[position : found.start()]))
        name = found.group(1)
        # within its length: a lazy match cannot swallow its neighbour
        body = ".+" if name == free else f".{{1,{template.params[name]}}}?"
        if is_code(template, name):
            body = rf"\d{{{CODE_DIGITS[0]},{CODE_DIGITS[1]}}}"
        out.append(f"(?P<{name}>{body})")
        position = found.end()
    out.append(re.escape(template.content[position:]))
    return "".join(out)
