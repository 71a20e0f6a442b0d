"""Several Facebook Pages from one deployment: each Page's replies carry its own token, the
tokens are encrypted at rest and never shown, and the central Page needs no change."""

from __future__ import annotations

import json
import logging

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from bot.app import close_services
from bot.config import ConfigError, load_settings
from bot.departments import add_department, get_department
from bot.models import FacebookPage, OutboxMessage
from bot.pages import PageError, PageSenders, TokenCipher, add_page, list_pages, page_token
from tests.support.person import PAGE, Person

GHANZI_PAGE = "998877665544332"
GHANZI_TOKEN = "EAAG-ghanzi-page-token-0123456789"


def _store_ghanzi_page(app, db, token: str = GHANZI_TOKEN, **kwargs) -> None:
    add_page(db, app.extensions["page_cipher"], GHANZI_PAGE, "Ghanzi District", token, **kwargs)
    db.commit()


def test_two_pages_from_one_app_each_reply_with_their_own_token(app, signed_post, graph, db):
    graph.add_page(GHANZI_TOKEN, GHANZI_PAGE, "Ghanzi District")
    _store_ghanzi_page(app, db)
    central = Person(app, signed_post, graph, "psid-central")
    ghanzi = Person(app, signed_post, graph, "psid-ghanzi", page=GHANZI_PAGE)
    central.open_link("moh-clinics")
    ghanzi.open_link("dnrs-births")
    ghanzi.tap("Yes")
    central.tap("Yes")
    assert graph.tokens_to("psid-central") and graph.tokens_to("psid-ghanzi")
    assert set(graph.tokens_to("psid-central")) == {"test-page-token"}
    assert set(graph.tokens_to("psid-ghanzi")) == {GHANZI_TOKEN}
    assert "English" in [b["title"] for b in ghanzi.buttons()]


def test_the_token_is_encrypted_at_rest_and_never_in_logs_or_errors(
    app, signed_post, graph, db, caplog
):
    _store_ghanzi_page(app, db, token="EAAG-revoked-token-the-double-refuses")
    raw = db.execute(text("SELECT token_ciphertext FROM facebook_pages")).scalar_one()
    assert "revoked" not in raw and raw.startswith("gAAAA")  # a Fernet token
    assert page_token(db, app.extensions["page_cipher"], GHANZI_PAGE).endswith("refuses")
    caplog.set_level(logging.DEBUG)
    Person(app, signed_post, graph, "psid-x", page=GHANZI_PAGE).open_link()
    db.rollback()
    waiting = db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert waiting and not any(row.sent_at for row in waiting)
    assert waiting[0].error_code == 190  # Graph refused the token: the Page stops sending
    assert "store its token again (`pages add`" in caplog.text
    everything = caplog.text + json.dumps([row.error for row in waiting])
    assert "revoked-token" not in everything
    assert "revoked" not in repr(list_pages(db)) + repr(app.extensions["page_cipher"])


def test_a_wrong_key_says_what_to_do_without_showing_the_token(app, db):
    _store_ghanzi_page(app, db)
    other = TokenCipher(Fernet.generate_key().decode())
    with pytest.raises(PageError, match="PAGE_TOKEN_KEY cannot decrypt the token") as error:
        page_token(db, other, GHANZI_PAGE)
    assert GHANZI_TOKEN not in str(error.value)
    with pytest.raises(ConfigError, match="Fernet keys"):
        TokenCipher("not-a-key")


def test_a_page_whose_token_cannot_be_read_waits_and_blocks_no_other_page(
    settings, signed_post, graph, db, caplog
):
    from bot.app import create_app

    other_key = Fernet.generate_key().decode()
    app = create_app(settings.with_overrides(graph_api_url=graph.url, page_token_key=other_key))
    add_page(db, TokenCipher(settings.page_token_key), GHANZI_PAGE, "Ghanzi", GHANZI_TOKEN)
    db.commit()
    graph.add_page(GHANZI_TOKEN, GHANZI_PAGE, "Ghanzi District")
    signed = _signed_post_for(app)
    Person(app, signed, graph, "psid-ghanzi", page=GHANZI_PAGE).open_link()
    central = Person(app, signed, graph, "psid-central")
    central.open_link()
    close_services(app)
    assert central.buttons() and not graph.tokens_to("psid-ghanzi")
    db.rollback()
    waiting = db.scalars(
        select(OutboxMessage).where(OutboxMessage.psid == "psid-ghanzi").order_by(OutboxMessage.id)
    ).all()
    assert waiting and all(r.sent_at is None and r.failed_at is None for r in waiting)
    assert "PAGE_TOKEN_KEY cannot decrypt the token of Page" in waiting[0].error
    assert "replies to Page 'Ghanzi' ([id]) cannot be sent" in caplog.text
    assert GHANZI_TOKEN not in caplog.text


def _signed_post_for(app):
    from bot.messenger.signature import sign
    from tests.conftest import APP_SECRET

    client = app.test_client()

    def post(body):
        raw = json.dumps(body).encode()
        headers = {"X-Hub-Signature-256": sign(APP_SECRET, raw)}
        return client.post("/webhook", data=raw, headers=headers, content_type="application/json")

    return post


def test_a_rotated_key_still_reads_the_tokens_stored_under_the_old_one(app, db):
    _store_ghanzi_page(app, db)
    old_key = app.config["SETTINGS"].page_token_key
    rotated = TokenCipher(f"{Fernet.generate_key().decode()},{old_key}")
    assert page_token(db, rotated, GHANZI_PAGE) == GHANZI_TOKEN


def test_production_starts_without_a_key_but_refuses_to_store_a_page(settings, graph):
    from bot.app import create_app

    app = create_app(
        settings.with_overrides(env="production", page_token_key="", graph_api_url=graph.url)
    )
    graph.add_page(GHANZI_TOKEN, GHANZI_PAGE, "Ghanzi District")
    result = app.test_cli_runner().invoke(
        args=["pages", "add", GHANZI_PAGE, "--name", "Ghanzi"], input=GHANZI_TOKEN + "\n"
    )
    close_services(app)
    assert result.exit_code == 1
    assert "PAGE_TOKEN_KEY is not set" in result.output and GHANZI_TOKEN not in result.output


def test_development_generates_the_key_once_even_for_an_older_secrets_file(tmp_path, monkeypatch):
    monkeypatch.setattr("bot.config.INSTANCE_DIR", tmp_path)
    (tmp_path / "dev-secrets.json").write_text(
        json.dumps(
            {
                name: "x"
                for name in (
                    "FB_APP_SECRET",
                    "FB_VERIFY_TOKEN",
                    "FB_PAGE_ACCESS_TOKEN",
                    "SECRET_KEY",
                    "RESPONDENT_KEY_SECRET",
                )
            }
        )
    )
    development = {"APP_ENV": "development"}
    first = load_settings(development).page_token_key
    assert first == load_settings(development).page_token_key
    assert TokenCipher(first).encrypt("t")  # a usable Fernet key
    assert json.loads((tmp_path / "dev-secrets.json").read_text())["PAGE_TOKEN_KEY"] == first
    assert load_settings({"APP_ENV": "production", **_production_secrets()}).page_token_key == ""


def _production_secrets() -> dict[str, str]:
    names = (
        "FB_APP_SECRET",
        "FB_VERIFY_TOKEN",
        "FB_PAGE_ACCESS_TOKEN",
        "SECRET_KEY",
        "RESPONDENT_KEY_SECRET",
    )
    return {name: "s" for name in names} | {"PUBLIC_BASE_URL": "https://survey.example.org"}


def test_a_replaced_token_reaches_running_senders_after_the_cache_time(app, db):
    made: list[str] = []
    now = [0.0]

    def make_client(token: str) -> str:
        made.append(token)
        return token

    senders = PageSenders(
        app.extensions["sessions"],
        app.extensions["page_cipher"],
        make_client,
        central="central",
        ttl=30,
        clock=lambda: now[0],
    )
    assert senders(GHANZI_PAGE) == "central"  # not stored yet
    _store_ghanzi_page(app, db)
    now[0] = 31
    assert senders(GHANZI_PAGE) == GHANZI_TOKEN
    now[0] = 62
    assert senders(GHANZI_PAGE) == GHANZI_TOKEN and made == [GHANZI_TOKEN]  # client reused
    _store_ghanzi_page(app, db, token="EAAG-new-token")
    now[0] = 70
    assert senders(GHANZI_PAGE) == GHANZI_TOKEN  # cached for 30 s
    now[0] = 93
    assert senders(GHANZI_PAGE) == "EAAG-new-token"
    assert senders(PAGE) == "central"


# --- the command line --------------------------------------------------------------------


def _pages_add(app, *args: str, token: str = GHANZI_TOKEN):
    return app.test_cli_runner().invoke(args=["pages", "add", *args], input=token + "\n")


def test_pages_add_checks_the_token_with_graph_and_serves_departments(app, graph, db):
    graph.add_page(GHANZI_TOKEN, GHANZI_PAGE, "Ghanzi District")
    result = _pages_add(
        app,
        GHANZI_PAGE,
        "--name",
        "Ghanzi District",
        "--username",
        "GhanziDistrict",
        "--department",
        "dnrs-births",
    )
    assert result.exit_code == 0, result.output
    assert GHANZI_TOKEN not in result.output
    assert "serving dnrs-births; token encrypted" in result.output
    db.rollback()
    assert get_department(db, "dnrs-births").page_id == GHANZI_PAGE  # type: ignore[union-attr]
    assert graph.profile_calls[-1]["path"].endswith("/me")
    listed = app.test_cli_runner().invoke(args=["pages", "list"])
    assert f"{GHANZI_PAGE}\tGhanziDistrict\tGhanzi District\tdnrs-births" in listed.output
    assert GHANZI_TOKEN not in listed.output


@pytest.mark.parametrize(
    ("args", "token", "says"),
    [
        ((GHANZI_PAGE, "--name", "Ghanzi"), "test-page-token", "this token belongs to Page 1122"),
        (
            (GHANZI_PAGE, "--name", "Ghanzi"),
            "EAAG-unknown",
            "could not check the token with Graph: Graph refused",
        ),
        ((GHANZI_PAGE, "--name", "Ghanzi", "--no-verify"), "", "token is empty"),
        (("ghanzi", "--name", "Ghanzi", "--no-verify"), "t", "must be the Page's number"),
        ((GHANZI_PAGE, "--name", "G", "--department", "nope", "--no-verify"), "t", "'nope'"),
    ],
)
def test_pages_add_refuses_bad_input_in_one_line_and_stores_nothing(app, db, args, token, says):
    result = _pages_add(app, *args, token=token)
    assert result.exit_code == 1
    assert says in result.output and len(result.output.strip().splitlines()) == 1
    assert "EAAG-unknown" not in result.output
    db.rollback()
    assert db.scalar(select(FacebookPage)) is None


def test_a_department_on_its_own_page_links_to_it(app, db):
    _store_ghanzi_page(app, db, username="GhanziDistrict")
    add_department(
        db,
        "ghanzi-births",
        "Ghanzi births",
        None,
        "Ministry of Labour and Home Affairs",
        ["government_services"],
        page_id=GHANZI_PAGE,
    )
    db.commit()
    result = app.test_cli_runner().invoke(args=["departments", "list"])
    assert "ghanzi-births\tactive\tgovernment_services\t998877665544332\t" in result.output
