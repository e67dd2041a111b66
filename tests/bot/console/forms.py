"""Signing in through the real console form, and reading tokens and messages off pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

PASSWORD = "qingliu-12328"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token for later posts."""
    client.cookies.clear()
    form = client.get("/console/login")
    answer = client.post(
        "/console/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_of(form.text),
            "next": "/console",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/console").text)


def flash(html: str) -> str:
    found = re.search(r'<div class="flash[^"]*" role="(?:status|alert)">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", " ", found.group(1)).strip() if found else ""
