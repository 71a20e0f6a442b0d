"""Settings from the environment, validated once at start-up.

Tests build a ``Settings`` directly instead of patching ``os.environ``. The mode defaults to
production, so a deploy that forgets ``APP_ENV`` is safe rather than open: in production the
secrets and the public base URL have no defaults and the app refuses to start without them,
and the simulator stays off unless an admin both enables it and confirms it. ``make run``
sets ``APP_ENV=development``, where missing secrets are generated once and kept in
``instance/dev-secrets.json`` so that respondent keys stay stable across restarts (a changed
``RESPONDENT_KEY_SECRET`` splits every person in two).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"
DEFAULT_FLOW = ROOT / "survey_flows" / "flows" / "sdg16_6_2.yaml"
SIMULATOR_PAGE_ID = "simulator"

# Secrets the app cannot run without in production.
SECRET_NAMES = (
    "FB_APP_SECRET",
    "FB_VERIFY_TOKEN",
    "FB_PAGE_ACCESS_TOKEN",
    "SECRET_KEY",
    "RESPONDENT_KEY_SECRET",
)


# The one value of SIMULATOR_IN_PRODUCTION that lets the simulator run in production.
SIMULATOR_CONFIRMATION = "yes-anyone-can-inject-test-events"


class ConfigError(RuntimeError):
    """A setting is missing or invalid; the message names it and says what to set."""


@dataclass(frozen=True)
class Settings:
    """Every setting the product reads, by the names the README documents."""

    env: str = "production"
    database_url: str = f"sqlite:///{INSTANCE_DIR / 'sdg1662.db'}"
    fb_app_secret: str = ""
    fb_verify_token: str = ""
    fb_page_access_token: str = ""
    fb_page_id: str = ""  # the central survey Page: m.me links and `messenger setup`
    fb_page_username: str = ""
    page_token_key: str = ""  # Fernet key(s) encrypting stored Pages' tokens
    graph_api_url: str = "https://graph.facebook.com/v25.0"
    rasa_url: str = "http://127.0.0.1:5005"
    secret_key: str = ""
    respondent_key_secret: str = ""
    flow_file: str = str(DEFAULT_FLOW)
    simulator_enabled: bool = True
    embedded_worker: bool = True
    send_timeout: float = 5.0
    nlu_timeout: float = 0.5
    # Where people reach this service (https://survey.example.org): status links are built
    # from it, never from a request's Host header.
    public_base_url: str = "http://127.0.0.1:8000"
    signed_request_max_age: int = 3600  # seconds a data-deletion signed_request stays valid
    # Days the typed original of a masked free-text answer is kept; 0 keeps none (default).
    unmasked_text_retention_days: int = 0
    smtp_url: str = ""  # smtp://user:pass@host:587 (STARTTLS) or smtps://...; empty: no e-mail
    mail_from: str = "SDG 16.6.2 reports <reports@localhost>"
    rate_limit_storage_url: str = "memory://"  # redis://host:6379/0 with several processes
    session_minutes: int = 60  # a dashboard session ends after this long without a request

    @property
    def production(self) -> bool:
        """Return whether the app runs in production mode."""
        return self.env == "production"

    def with_overrides(self, **changes: object) -> Settings:
        """Return a copy with some settings changed (tests use this)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secrets() -> dict[str, str]:
    """Load, or create once, the throwaway secrets of a development instance."""
    path = INSTANCE_DIR / "dev-secrets.json"
    if path.exists():
        stored: dict[str, str] = json.loads(path.read_text())
        return stored
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    generated = {name: secrets.token_urlsafe(32) for name in SECRET_NAMES}
    generated["FB_VERIFY_TOKEN"] = "dev-verify-" + secrets.token_hex(4)
    path.write_text(json.dumps(generated, indent=2))
    path.chmod(0o600)
    print(
        f"development mode: generated throwaway secrets in {path} "
        f"(webhook verify token: {generated['FB_VERIFY_TOKEN']})",
        file=sys.stderr,
    )
    return generated


def _dev_page_token_key() -> str:
    """Return the development instance's Fernet key, added to its secrets file once."""
    secrets_file = INSTANCE_DIR / "dev-secrets.json"
    stored = _dev_secrets()
    if "PAGE_TOKEN_KEY" not in stored:
        stored["PAGE_TOKEN_KEY"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        secrets_file.write_text(json.dumps(stored, indent=2))
    return stored["PAGE_TOKEN_KEY"]


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """Return the database URL from the environment, or the embedded default's SQLite file."""
    env = os.environ if environ is None else environ
    return env.get("DATABASE_URL") or Settings.database_url


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from the environment, refusing to start on missing secrets."""
    env = os.environ if environ is None else environ
    mode = env.get("APP_ENV") or "production"
    if mode not in {"development", "production"}:
        raise ConfigError(f"APP_ENV must be 'development' or 'production', not {mode!r}")
    production = mode == "production"

    values = {name: env.get(name, "") for name in SECRET_NAMES}
    missing = [name for name, value in values.items() if not value]
    if missing and production:
        raise ConfigError(
            "production mode needs these settings: "
            + ", ".join(missing)
            + " (see README, section Settings; to try the bot locally, set "
            + "APP_ENV=development, as `make run` does)"
        )
    if missing:
        generated = _dev_secrets()
        values.update({name: generated[name] for name in missing})

    defaults = Settings()
    send_timeout = _number(env, "SEND_TIMEOUT", defaults.send_timeout)
    nlu_timeout = _number(env, "NLU_TIMEOUT", defaults.nlu_timeout)
    max_age = int(_number(env, "SIGNED_REQUEST_MAX_AGE", defaults.signed_request_max_age))
    retention = int(
        _number(env, "UNMASKED_TEXT_RETENTION_DAYS", defaults.unmasked_text_retention_days)
    )
    public_base_url = _public_base_url(env.get("PUBLIC_BASE_URL", ""), production)
    simulator = _flag(env.get("SIMULATOR_ENABLED"), default=not production)
    if production and simulator and env.get("SIMULATOR_IN_PRODUCTION") != SIMULATOR_CONFIRMATION:
        raise ConfigError(
            "SIMULATOR_ENABLED is on in production: anyone who finds /simulator can inject "
            "events and read simulated conversations. Turn it off, or confirm with "
            f"SIMULATOR_IN_PRODUCTION={SIMULATOR_CONFIRMATION} (see README, section Settings)"
        )
    return Settings(
        env=mode,
        database_url=database_url(env),
        fb_app_secret=values["FB_APP_SECRET"],
        fb_verify_token=values["FB_VERIFY_TOKEN"],
        fb_page_access_token=values["FB_PAGE_ACCESS_TOKEN"],
        fb_page_id=env.get("FB_PAGE_ID", ""),
        fb_page_username=env.get("FB_PAGE_USERNAME", ""),
        page_token_key=env.get("PAGE_TOKEN_KEY") or ("" if production else _dev_page_token_key()),
        graph_api_url=(env.get("GRAPH_API_URL") or defaults.graph_api_url).rstrip("/"),
        rasa_url=(env.get("RASA_URL") or defaults.rasa_url).rstrip("/"),
        secret_key=values["SECRET_KEY"],
        respondent_key_secret=values["RESPONDENT_KEY_SECRET"],
        flow_file=env.get("FLOW_FILE") or defaults.flow_file,
        simulator_enabled=simulator,
        embedded_worker=_flag(env.get("EMBEDDED_WORKER"), default=not production),
        send_timeout=send_timeout,
        nlu_timeout=nlu_timeout,
        public_base_url=public_base_url,
        signed_request_max_age=max_age,
        unmasked_text_retention_days=retention,
        smtp_url=env.get("SMTP_URL", ""),
        mail_from=env.get("MAIL_FROM") or defaults.mail_from,
        rate_limit_storage_url=env.get("RATE_LIMIT_STORAGE_URL") or defaults.rate_limit_storage_url,
        session_minutes=int(env.get("SESSION_MINUTES") or defaults.session_minutes),
    )


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "")
    if value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number < float("inf"):
        raise ConfigError(f"{name} must be a number of seconds or days (0 or more), not {value!r}")
    return number


def _public_base_url(value: str, production: bool) -> str:
    url = value.strip().rstrip("/")
    if not url:
        if production:
            raise ConfigError(
                "production mode needs PUBLIC_BASE_URL, the https:// address people reach this "
                "service at (see README, section Settings)"
            )
        return Settings.public_base_url
    if not url.startswith(("https://", "http://")) or (production and url.startswith("http:")):
        raise ConfigError(f"PUBLIC_BASE_URL must be an https:// address, not {value!r}")
    return url
