"""Sign-in: hashed passwords, failed attempts rate-limited, CSRF on forms, sessions that end."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import select

from bot.app import close_services
from bot.models import User
from tests.dashboard.conftest import PASSWORD, csrf_token, sign_in


def test_passwords_are_stored_as_argon2id_hashes_and_a_right_one_signs_in(app):
    client = app.test_client()
    assert sign_in(client, "admin@example.org") == 302
    assert client.get("/dashboard/").status_code == 200
    with app.extensions["sessions"]() as db:
        stored = db.scalar(select(User.password_hash).where(User.email == "admin@example.org"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_wrong_password_is_refused_then_attempts_are_rate_limited(app):
    client = app.test_client()
    for _ in range(5):
        assert sign_in(client, "admin@example.org", "wrong password!") == 401
    # The sixth attempt is refused before the password is even checked, right or wrong.
    assert sign_in(client, "admin@example.org") == 429
    page = client.get("/dashboard/")
    assert page.status_code == 302  # not signed in
    # Another account from the same address is refused too; the limit is per address.
    assert sign_in(client, "analyst@example.org") == 429


def test_an_unknown_address_gets_the_same_answer_as_a_wrong_password(app):
    client = app.test_client()
    page = client.get("/dashboard/login")
    response = client.post(
        "/dashboard/login",
        data={
            "email": "nobody@example.org",
            "password": "x" * 20,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 401
    assert "do not match" in response.text


def test_every_form_needs_its_csrf_token(app, client_for):
    client = app.test_client()
    refused = client.post(
        "/dashboard/login", data={"email": "admin@example.org", "password": PASSWORD}
    )
    assert refused.status_code == 400
    admin = client_for("admin@example.org")
    response = admin.post(
        "/dashboard/users",
        data={
            "email": "new@example.org",
            "role": "analyst",
            "department": "",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 400
    with app.extensions["sessions"]() as db:
        assert db.scalar(select(User).where(User.email == "new@example.org")) is None


def test_a_session_ends_after_twelve_hours_and_when_the_user_is_disabled(app, client_for):
    viewer = client_for("viewer-a@example.org")
    with viewer.session_transaction() as session:
        session["signed_in_at"] -= 13 * 3600
    assert viewer.get("/dashboard/").status_code == 302
    analyst = client_for("analyst@example.org")
    admin = client_for("admin@example.org")
    page = admin.get("/dashboard/users")
    with app.extensions["sessions"]() as db:
        analyst_id = db.scalar(select(User.id).where(User.email == "analyst@example.org"))
    admin.post(f"/dashboard/users/{analyst_id}/disable", data={"csrf_token": csrf_token(page.text)})
    assert analyst.get("/dashboard/").status_code == 302
    assert sign_in(app.test_client(), "analyst@example.org") == 401


def test_session_cookies_are_secure_httponly_and_samesite_in_production(settings):
    from bot.app import create_app

    app = create_app(settings.with_overrides(env="production", simulator_enabled=False))
    try:
        with app.extensions["sessions"]() as db, db.begin():
            from bot.clock import utcnow
            from bot.users import create_user

            create_user(db, "admin@example.org", "admin", None, PASSWORD, utcnow())
        client = app.test_client()
        page = client.get("/dashboard/login", base_url="https://dashboard.example.org")
        response = client.post(
            "/dashboard/login",
            base_url="https://dashboard.example.org",
            data={
                "email": "admin@example.org",
                "password": PASSWORD,
                "csrf_token": csrf_token(page.text),
            },
        )
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    finally:
        close_services(app)


def test_users_add_takes_a_password_option_or_prompts_and_checks_the_role(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "add", "Clerk@Example.org", "--role", "viewer", "--department",
              "dnrs-births", "--password", PASSWORD]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["users", "add", "boss@example.org", "--role", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert sign_in(app.test_client(), "boss@example.org") == 302
    assert sign_in(app.test_client(), "clerk@example.org") == 302
    refused = runner.invoke(
        args=["users", "add", "v@example.org", "--role", "viewer", "--password", PASSWORD]
    )
    assert refused.exit_code != 0 and "--department" in refused.output
    short = runner.invoke(
        args=["users", "add", "s@example.org", "--role", "analyst", "--password", "short"]
    )
    assert short.exit_code != 0 and "12 characters" in short.output


def test_the_documented_development_admin_is_refused_in_production(settings):
    from bot.app import create_app

    for env, expected in (("development", 0), ("production", 1)):
        app = create_app(settings.with_overrides(env=env, simulator_enabled=False))
        result = app.test_cli_runner().invoke(args=["users", "dev-admin"])
        close_services(app)
        assert result.exit_code == expected, result.output


CROSS_PROCESS = """
import sys
from bot.app import create_app
from bot.config import Settings
from tests.dashboard.conftest import csrf_token
settings = Settings(database_url=sys.argv[1], secret_key="s", fb_app_secret="a",
    fb_verify_token="v", fb_page_access_token="p", respondent_key_secret="r",
    embedded_worker=False, rasa_url="http://127.0.0.1:9", rate_limit_storage_url=sys.argv[2])
app = create_app(settings)
client = app.test_client()
for _ in range(int(sys.argv[3])):
    page = client.get("/dashboard/login")
    answer = client.post("/dashboard/login", data={"email": "admin@example.org",
        "password": "wrong password!", "csrf_token": csrf_token(page.text)})
    print(answer.status_code)
"""


def test_the_limit_holds_across_processes_with_a_shared_storage(app, settings):
    import redis as redis_client

    redis = "redis://127.0.0.1:6379/15"  # a database of its own, emptied first
    redis_client.Redis.from_url(redis).flushdb()
    environment = {**os.environ, "PYTHONPATH": os.getcwd()}

    def attempts(count: int) -> list[int]:
        result = subprocess.run(
            [sys.executable, "-c", CROSS_PROCESS, settings.database_url, redis, str(count)],
            capture_output=True, text=True, env=environment, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
        return [int(line) for line in result.stdout.split()]

    assert attempts(3) == [401, 401, 401]
    # A second process, sharing the counters: two more failures, then refused.
    assert attempts(3) == [401, 401, 429]
