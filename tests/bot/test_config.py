"""Settings come from the environment; production refuses to start without its secrets."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings

SECRETS = {
    "FB_APP_SECRET": "s1",
    "FB_VERIFY_TOKEN": "s2",
    "FB_PAGE_ACCESS_TOKEN": "s3",
    "SECRET_KEY": "s4",
    "RESPONDENT_KEY_SECRET": "s5",
    "PAGE_TOKEN_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
}


def test_production_without_secrets_refuses_to_start_and_names_them():
    with pytest.raises(ConfigError) as error:
        load_settings({"APP_ENV": "production", "FB_APP_SECRET": "x"})
    message = str(error.value)
    assert "FB_VERIFY_TOKEN" in message and "RESPONDENT_KEY_SECRET" in message
    assert "FB_APP_SECRET," not in message


def test_production_with_secrets_turns_the_simulator_and_embedded_worker_off():
    settings = load_settings(
        {"APP_ENV": "production", **SECRETS, "DATABASE_URL": "postgresql://db/x"}
    )
    assert settings.production
    assert not settings.simulator_enabled and not settings.embedded_worker
    assert settings.database_url == "postgresql://db/x"


def test_simulator_can_be_turned_on_in_production_by_an_admin():
    settings = load_settings({"APP_ENV": "production", **SECRETS, "SIMULATOR_ENABLED": "1"})
    assert settings.simulator_enabled


def test_development_keeps_its_generated_secrets_across_restarts(tmp_path, monkeypatch):
    monkeypatch.setattr("bot.config.INSTANCE_DIR", tmp_path)
    first = load_settings({})
    second = load_settings({})
    assert first.respondent_key_secret and first.fb_app_secret
    assert first.respondent_key_secret == second.respondent_key_secret
    assert (tmp_path / "dev-secrets.json").stat().st_mode & 0o077 == 0


def test_an_unknown_mode_is_an_error_that_says_what_to_set():
    with pytest.raises(ConfigError, match="APP_ENV"):
        load_settings({"APP_ENV": "staging"})


def test_graph_and_rasa_urls_lose_a_trailing_slash():
    settings = load_settings(
        {
            **SECRETS,
            "GRAPH_API_URL": "http://127.0.0.1:1/v25.0/",
            "RASA_URL": "http://127.0.0.1:5005/",
        }
    )
    assert settings.graph_api_url == "http://127.0.0.1:1/v25.0"
    assert settings.rasa_url == "http://127.0.0.1:5005"
