"""Start-up refusals and warnings (issue 11 §7, §9): several workers need Redis; production
without PUBLIC_BASE_URL is warned about when the service starts."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.config import SettingsError, load_settings
from bot.runtime import Runtime
from bot.startup_checks import require_shared_state, warnings_for


def test_more_than_one_worker_without_redis_is_refused() -> None:
    settings = load_settings(redis_url=None)
    require_shared_state(settings, 1)
    with pytest.raises(SettingsError, match="REDIS_URL"):
        require_shared_state(settings, 2)
    with pytest.raises(SettingsError, match="WEBCHAT_SECRET"):
        require_shared_state(load_settings(redis_url="redis://127.0.0.1:6379/3", webchat_secret=None), 4)
    require_shared_state(load_settings(redis_url="redis://127.0.0.1:6379/3", webchat_secret="s" * 32), 4)


def test_production_without_public_base_url_is_warned(runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    assert warnings_for(load_settings(environment="development")) == []
    assert warnings_for(load_settings(environment="production", public_base_url="https://cuntong.example.cn")) == []
    runtime.settings = runtime.settings.model_copy(update={"environment": "production", "public_base_url": None})
    with caplog.at_level(logging.WARNING), TestClient(create_app(runtime=runtime)):
        pass
    assert any("PUBLIC_BASE_URL" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


def test_an_unknown_environment_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="ENVIRONMENT"):
        load_settings(environment="prod")
