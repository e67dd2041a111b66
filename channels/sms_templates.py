"""The SMS template registry (channels/sms_templates.yaml): domestic providers send only
pre-approved templates, so every outgoing SMS text must be one template with its
variables filled in.

`TemplateRegistry.load` reads and checks the file at start-up (a broken registry stops
start-up with one line naming the template). `match(text)` finds the template an
already-written text is an instance of and the values of its variables: the signature
【村通】 is dropped (the provider adds it), a dialog answer's lead-in (`${lead}`, one of the
texts marked `lead: true`) and numbered choices (`${options}`) are variables too, and every value
must be within its declared length. The most specific template (most fixed text) wins.
A text no template matches cannot be sent by SMS through a domestic provider.
`agent_reply(text)` wraps an agent's free text in the generic 客服回复 template, cut to
the variable's limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).with_name("sms_templates.yaml")
PROVIDERS = ("aliyun", "tencent")
SIGN = "【村通】"
MIN_FIXED = 2  # a template that is (almost) all variables is not approved
MAX_CONTENT = 500  # characters in one template, signature included (both providers)
LEAD, OPTIONS = "lead", "options"
AGENT_REPLY = "agent_reply"
_VARIABLE = re.compile(r"\$\{(\w+)\}")
_ADJACENT = re.compile(r"\$\{(\w+)\}(?=\$\{(\w+)\})")  # providers refuse ${a}${b}: no text between
_OPTIONS = r"(?:\n回复\d{1,2} [^\n]+)*"
ELLIPSIS = "…"


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

    def ordered_values(self) -> list[str]:
        return [self.values[name] for name in self.template.variables]

    def render(self) -> str:
        return _VARIABLE.sub(lambda m: self.values[m.group(1)], self.template.content)


class TemplateRegistry:
    def __init__(self, templates: list[SmsTemplate]) -> None:
        self.templates = {t.name: t for t in templates}
        leads = [t for t in templates if t.lead and t.fixed_chars > 0]
        lead_patterns = "|".join(_pattern(t, leads="", named=False) for t in leads)
        self._lead = f"(?:{lead_patterns})*" if lead_patterns else ""
        self._compiled = sorted(
            ((re.compile(_pattern(t, leads=self._lead, named=True), re.DOTALL), t) for t in templates),
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
        if AGENT_REPLY not in names:
            raise TemplateError(f"短信模板缺少 {AGENT_REPLY}（客服回复）")
        return cls(templates)

    def check_provider(self, provider: str) -> None:
        """Every template has a code for `provider` (checked at start-up for the one in use)."""
        missing = [t.name for t in self.templates.values() if not t.codes.get(provider)]
        if missing:
            raise TemplateError(f"短信模板没有 {provider} 的模板编号：{', '.join(missing[:5])}")

    def match(self, text: str) -> TemplateUse | None:
        body = text.strip().removeprefix(SIGN).strip()
        for pattern, template in self._compiled:
            if template.name == AGENT_REPLY:
                continue
            found = pattern.fullmatch(body)
            if found is None:
                continue
            values = {name: found.group(name) for name in template.variables}
            if all(len(value) <= template.params[name] for name, value in values.items()):
                return TemplateUse(template, values)
        return None

    def agent_reply(self, text: str) -> TemplateUse:
        template = self.templates[AGENT_REPLY]
        [name] = template.variables
        limit = template.params[name]
        content = text.strip()
        if len(content) > limit:
            content = content[: limit - 1] + ELLIPSIS
        return TemplateUse(template, {name: content})


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
    adjacent = [f"${{{a}}}${{{b}}}" for a, b in _ADJACENT.findall(content) if LEAD not in (a, b) and OPTIONS not in (a, b)]
    if adjacent:
        raise TemplateError(f"短信模板 {name}：变量 {adjacent[0]} 相邻，中间要有固定文字或合成一个变量")
    fixed = _VARIABLE.sub("", content)
    if entry.get("kind") != "lead_in" and len(fixed) < MIN_FIXED:
        raise TemplateError(f"短信模板 {name}：固定文字太少（全变量模板不会获批）")
    if len(SIGN) + len(fixed) > MAX_CONTENT:
        raise TemplateError(f"短信模板 {name}：固定文字超过 {MAX_CONTENT} 字")
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
    )


def _pattern(template: SmsTemplate, *, leads: str, named: bool) -> str:
    """The template as a regular expression: fixed text literal, each variable a group."""
    out: list[str] = []
    seen: set[str] = set()
    position = 0
    for found in _VARIABLE.finditer(template.content):
        out.append(re.escape(template.content[position : found.start()]))
        name = found.group(1)
        if name == LEAD:
            body = leads
        elif name == OPTIONS:
            body = _OPTIONS
        else:  # within the declared length, so a lazy match cannot swallow its neighbour
            body = f".{{0,{template.params[name]}}}?" if named else r"[^\n。]{1,40}?"
        if not named:
            out.append(f"(?:{body})")
        elif name in seen:
            out.append(f"(?P={name})")
        else:
            out.append(f"(?P<{name}>{body})")
            seen.add(name)
        position = found.end()
    out.append(re.escape(template.content[position:]))
    return "".join(out)
