"""Personal data never reaches the logs in full at INFO and above (issue 11 §8).

`install()` puts a log-record factory in place (once per process) that masks every record
of level INFO or higher as it is made, in the message and in each argument, whichever
logger wrote it (ours, uvicorn's access log, libraries):

- mobile numbers (`13800138000`, `+8613800138000`, inside conversation ids such as
  `sms:+8613800138000`) become their tail: `尾号8000`;
- WeChat openids (`o` + 20-40 mixed letters and digits) keep their last 4: `o***0001`;
- `phone=`, `mobile=`, `From=`, `To=` query values become `***` (access-log paths).

DEBUG records are left whole, for a developer's own machine.
"""

from __future__ import annotations

import logging
import re
from typing import Any

PHONE_RE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9]{5}([0-9]{4})(?![0-9])")
OPENID_RE = re.compile(
    r"(?<![A-Za-z0-9_-])o(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{15,40}([A-Za-z0-9_-]{4})(?![A-Za-z0-9_-])"
)
QUERY_RE = re.compile(r"([?&](?:phone|mobile|From|To|from|to|caller|Caller)=)[^&\s\"']+")

_installed = False


def mask(text: str) -> str:
    text = QUERY_RE.sub(r"\1***", text)
    text = PHONE_RE.sub(r"尾号\1", text)
    return OPENID_RE.sub(r"o***\1", text)


def _mask_arg(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    shown = str(value)
    masked = mask(shown)
    return value if masked == shown else masked


def mask_record(record: logging.LogRecord) -> None:
    if record.levelno < logging.INFO:
        return
    if isinstance(record.msg, str):
        record.msg = mask(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_mask_arg(a) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: _mask_arg(v) for k, v in record.args.items()}


def install() -> None:
    """Mask every record made from now on in this process (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        mask_record(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
