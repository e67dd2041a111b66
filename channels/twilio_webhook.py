"""Read and verify a Twilio-compatible webhook (SMS and voice alike).

The form must be `application/x-www-form-urlencoded`, at most 32 KB, each field once.
`X-Twilio-Signature` is the HMAC (SHA-1, or SHA-256 when the settings header says so)
of the full URL the gateway called plus the sorted form fields, keyed with the auth
token; it is computed with the twilio package's `RequestValidator.compute_signature`
and compared with `hmac.compare_digest` (STYLE.md §25). The URL is rebuilt from
PUBLIC_BASE_URL when set (behind a proxy the request's own URL is not what the gateway
signed), with and without the default port, as Twilio's validator does. Twilio signs no
timestamp, so replays are caught by the message or call id downstream.
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qsl, urlparse

from fastapi import Request
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    add_port,
    get_signature_algorithm,
    remove_port,
)

from channels.errors import PayloadError, Rejected
from channels.request_body import read_limited

MAX_FORM_BYTES = 32 * 1024


def public_url(request: Request, public_base_url: str | None) -> str:
    """The URL the gateway called: PUBLIC_BASE_URL + path + query, else the request's own."""
    if not public_base_url:
        return str(request.url)
    query = request.url.query
    return public_base_url.rstrip("/") + request.url.path + (f"?{query}" if query else "")


def signature_matches(
    auth_token: str, url: str, params: dict[str, str], signature: str, algorithm: str
) -> bool:
    validator = RequestValidator(auth_token)
    parsed = urlparse(url)
    try:
        candidates = {
            validator.compute_signature(u, params, algorithm) for u in {remove_port(parsed), add_port(parsed)}
        }
    except ValueError:  # an algorithm we do not know
        return False
    return any(hmac.compare_digest(c.encode(), signature.encode()) for c in candidates)


async def verified_form(
    request: Request, *, auth_token: str | None, public_base_url: str | None
) -> dict[str, str]:
    """The form fields of a genuine gateway request; Rejected (503/403/413/415/400) otherwise."""
    if not auth_token:
        raise Rejected(503, "未配置 TWILIO_AUTH_TOKEN")
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signature:
        raise Rejected(403, "缺少 X-Twilio-Signature")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise Rejected(415, "应为 application/x-www-form-urlencoded 表单")
    body = await read_limited(request, MAX_FORM_BYTES)
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError):
        raise PayloadError("无法解析的表单") from None
    params = dict(pairs)
    if len(params) != len(pairs):
        raise PayloadError("表单字段重复")
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
    url = public_url(request, public_base_url)
    if not signature_matches(auth_token, url, params, signature, algorithm):
        raise Rejected(403, "X-Twilio-Signature 无效")
    return params


def require(form: dict[str, str], *names: str) -> None:
    missing = [name for name in names if name not in form]
    if missing:
        raise PayloadError(f"缺少字段：{', '.join(missing)}")
