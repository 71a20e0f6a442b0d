"""Settings come from the environment; production is the default and refuses to start
without its secrets, its public address, or with the simulator on unconfirmed."""

from __future__ import annotations

import pytest

from bot.config import SIMULATOR_CONFIRMATION, ConfigError, Settings, load_settings

SECRETS = {
    "FB_APP_SECRET": "s1",
    "FB_VERIFY_TOKEN": "s2",
    "FB_PAGE_ACCESS_TOKEN": "s3",
    "SECRET_KEY": "s4",
    "RESPONDENT_KEY_SECRET": "s5",
    "PAGE_TOKEN_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "PUBLIC_BASE_URL": "https://survey.example.org/",
}
DEV = {"APP_ENV": "development"}


def test_production_without_secrets_refuses_to_start_and_names_them():
    with pytest.raises(ConfigError) as error:
        load_settings({"APP_ENV": "production", "FB_APP_SECRET": "x"})
    message = str(error.value)
    assert "FB_VERIFY_TOKEN" in message and "RESPONDENT_KEY_SECRET" in message
    assert "FB_APP_SECRET," not in message
    assert "APP_ENV=development" in message  # says how to try it locally


def test_production_is_the_default_mode_of_the_environment_and_of_settings():
    with pytest.raises(ConfigError, match="production mode needs"):
        load_settings({})
    assert load_settings(SECRETS).production
    assert Settings().production


def test_production_with_secrets_turns_the_simulator_and_embedded_worker_off():
    settings = load_settings(
        {"APP_ENV": "production", **SECRETS, "DATABASE_URL": "postgresql://db/x"}
    )
    assert settings.production
    assert not settings.simulator_enabled and not settings.embedded_worker
    assert settings.database_url == "postgresql://db/x"
    assert settings.public_base_url == "https://survey.example.org"


def test_production_refuses_the_simulator_unless_an_admin_confirms_it():
    with pytest.raises(ConfigError, match="SIMULATOR_IN_PRODUCTION"):
        load_settings({**SECRETS, "SIMULATOR_ENABLED": "1"})
    with pytest.raises(ConfigError, match="SIMULATOR_IN_PRODUCTION"):
        load_settings({**SECRETS, "SIMULATOR_ENABLED": "1", "SIMULATOR_IN_PRODUCTION": "yes"})
    settings = load_settings(
        {**SECRETS, "SIMULATOR_ENABLED": "1", "SIMULATOR_IN_PRODUCTION": SIMULATOR_CONFIRMATION}
    )
    assert settings.simulator_enabled


def test_production_needs_an_https_public_base_url():
    without = {k: v for k, v in SECRETS.items() if k != "PUBLIC_BASE_URL"}
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        load_settings(without)
    with pytest.raises(ConfigError, match="https"):
        load_settings({**without, "PUBLIC_BASE_URL": "http://survey.example.org"})


def test_development_keeps_its_generated_secrets_across_restarts(tmp_path, monkeypatch):
    monkeypatch.setattr("bot.config.INSTANCE_DIR", tmp_path)
    first = load_settings(DEV)
    second = load_settings(DEV)
    assert first.respondent_key_secret and first.fb_app_secret
    assert first.respondent_key_secret == second.respondent_key_secret
    assert (tmp_path / "dev-secrets.json").stat().st_mode & 0o077 == 0
    assert first.simulator_enabled and first.public_base_url.startswith("http://127.0.0.1")


def test_an_unknown_mode_is_an_error_that_says_what_to_set():
    with pytest.raises(ConfigError, match="APP_ENV"):
        load_settings({"APP_ENV": "staging"})


NUMBERS = ["SEND_TIMEOUT", "NLU_TIMEOUT", "SIGNED_REQUEST_MAX_AGE", "UNMASKED_TEXT_RETENTION_DAYS"]


@pytest.mark.parametrize("name", NUMBERS)
def test_a_number_setting_that_is_not_a_number_names_itself(name):
    for wrong in ("soon", "-1", "inf", "nan"):
        with pytest.raises(ConfigError, match=name):
            load_settings({**SECRETS, name: wrong})


def test_deletion_age_and_text_retention_are_read():
    settings = load_settings(
        {**SECRETS, "SIGNED_REQUEST_MAX_AGE": "600", "UNMASKED_TEXT_RETENTION_DAYS": "30"}
    )
    assert settings.signed_request_max_age == 600
    assert settings.unmasked_text_retention_days == 30
    assert load_settings(SECRETS).unmasked_text_retention_days == 0  # not kept by default


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
