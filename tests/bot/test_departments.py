"""The department registry: its API, the migration that imported departments.yaml, and how
the survey uses it (the first block asked, inactive and unknown codes, the simulator)."""

from __future__ import annotations

import dataclasses
import random

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, select

from bot.cli import alembic_config
from bot.db import normalise_url
from bot.departments import (
    Department,
    DepartmentError,
    activate_department,
    add_department,
    deactivate_department,
    departments_of_ministry,
    get_department,
    list_departments,
)
from bot.models import Conversation, DepartmentRecord
from survey_flows.departments import BLOCK_OF_AREA
from tests.conftest import postgres_schema
from tests.support.person import Person

IMPORTED = {
    "moh-princess-marina": "healthcare",
    "moh-clinics": "healthcare",
    "moe-primary": "primary_education",
    "moe-secondary": "secondary_education",
    "dnrs-omang": "government_services",
    "dnrs-births": "government_services",
}


def _add_births_office(db, **changes) -> Department:
    values = {
        "code": "ghanzi-births",
        "name_en": "Ghanzi district births office",
        "name_tn": "Ofisi ya ditsalo ya Ghanzi",
        "ministry": "Ministry of Labour and Home Affairs",
        "service_areas": ["government_services"],
    } | changes
    department = add_department(db, **values)
    db.commit()
    return department


# --- the API the dashboard calls -------------------------------------------------------


def test_a_department_added_is_listed_found_and_grouped_by_ministry(db):
    added = _add_births_office(db, service_areas=["government_services", "healthcare"])
    assert added == Department(
        code="ghanzi-births",
        name_en="Ghanzi district births office",
        name_tn="Ofisi ya ditsalo ya Ghanzi",
        ministry="Ministry of Labour and Home Affairs",
        service_areas=("government_services", "healthcare"),
        active=True,
        page_id=None,
    )
    assert get_department(db, "ghanzi-births") == added
    assert added in list_departments(db)
    ministry = departments_of_ministry(db, "Ministry of Labour and Home Affairs")
    assert {d.code for d in ministry} == {"ghanzi-births", "dnrs-omang", "dnrs-births"}
    assert get_department(db, "nowhere") is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        added.active = False  # type: ignore[misc]


def test_a_missing_setswana_name_takes_the_english_one(db):
    added = _add_births_office(db, name_tn=None)
    assert added.name_tn == "Ghanzi district births office"


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"code": "ghanzi births"}, "letters, digits"),
        ({"code": "x" * 251}, "1 to 250"),
        ({"code": "moh-clinics"}, "already exists (Ministry of Health clinics)"),
        ({"service_areas": ["health"]}, "unknown service area 'health': use one of healthcare"),
        ({"service_areas": []}, "at least one service area"),
        ({"page_id": "404404"}, "unknown Page '404404': add it first with"),
        ({"name_en": "  "}, "name (--name)"),
        ({"ministry": ""}, "ministry (--ministry)"),
    ],
)
def test_bad_input_is_refused_with_what_to_fix_and_nothing_is_stored(db, changes, says):
    before = len(list_departments(db, include_inactive=True))
    with pytest.raises(DepartmentError) as error:
        _add_births_office(db, **changes)
    assert says in str(error.value)
    assert isinstance(error.value, ValueError)
    db.rollback()
    assert len(list_departments(db, include_inactive=True)) == before


def test_a_deactivated_department_leaves_the_lists_but_stays_known(db):
    _add_births_office(db)
    gone = deactivate_department(db, "ghanzi-births")
    db.commit()
    assert gone.active is False
    assert "ghanzi-births" not in {d.code for d in list_departments(db)}
    assert "ghanzi-births" in {d.code for d in list_departments(db, include_inactive=True)}
    assert get_department(db, "ghanzi-births").active is False  # type: ignore[union-attr]
    with pytest.raises(DepartmentError, match="inactive"):
        _add_births_office(db)
    db.rollback()
    assert activate_department(db, "ghanzi-births").active is True
    with pytest.raises(DepartmentError, match="no department has the code 'nope'"):
        deactivate_department(db, "nope")


# --- the migration ---------------------------------------------------------------------


def _migrate_and_read(url: str) -> dict[str, tuple[str, str, str, list[str]]]:
    config = alembic_config(url)
    command.upgrade(config, "head")
    engine = create_engine(normalise_url(url))
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        imported = {
            d.code: (d.name_en, d.name_tn, d.ministry, list(d.service_areas))
            for d in list_departments(session, include_inactive=True)
        }
    command.downgrade(config, "0002")
    tables = set(inspect(engine).get_table_names())
    command.upgrade(config, "head")  # and once more: the downgrade left nothing behind
    engine.dispose()
    assert not tables & {"departments", "department_service_areas", "facebook_pages"}
    return imported


def _check_import(imported):
    assert {code: areas[0] for code, (*_, areas) in imported.items()} == IMPORTED
    for name_en, name_tn, ministry, _ in imported.values():
        assert name_en and name_tn and name_tn != name_en
        assert ministry.startswith("Ministry of")


def test_the_migration_imports_the_six_departments_and_downgrades_on_sqlite(tmp_path):
    _check_import(_migrate_and_read(f"sqlite:///{tmp_path / 'fresh.db'}"))


@pytest.mark.postgres
def test_the_migration_imports_the_six_departments_and_downgrades_on_postgresql():
    with postgres_schema("i11mig") as url:
        _check_import(_migrate_and_read(url))


# --- the survey ------------------------------------------------------------------------


def _seed_not_starting_with(app, block: str) -> int:
    """A seed whose random block order does not put ``block`` first by chance."""
    for seed in range(100):
        order = list(app.extensions["turn_deps"].flow.blocks)
        random.Random(seed).shuffle(order)  # as the engine draws it
        if order[0] != block:
            return seed
    raise AssertionError("no seed found")


def _fixed_seed(app, seed: int) -> None:
    worker = app.extensions["worker"]
    worker.deps = dataclasses.replace(worker.deps, new_seed=lambda: seed)


def _conversation(db) -> Conversation:
    db.rollback()
    return db.scalars(select(Conversation).order_by(Conversation.id.desc())).first()


def test_a_department_added_today_sends_its_people_to_its_own_block_first(
    app, signed_post, graph, db
):
    _add_births_office(db)
    _fixed_seed(app, _seed_not_starting_with(app, "government_services"))
    Person(app, signed_post, graph, "psid-ghanzi").open_link("ghanzi-births")
    conversation = _conversation(db)
    assert conversation.department == "ghanzi-births"
    assert conversation.block_order[0] == BLOCK_OF_AREA["government_services"]


@pytest.mark.parametrize("code", ["ghanzi-births", "never-registered"])
def test_an_inactive_or_unknown_code_still_gets_the_survey_without_a_first_area(
    app, signed_post, graph, db, code
):
    _add_births_office(db)
    deactivate_department(db, "ghanzi-births")
    db.commit()
    seed = _seed_not_starting_with(app, "government_services")
    _fixed_seed(app, seed)
    person = Person(app, signed_post, graph, "psid-late")
    person.open_link(code)
    conversation = _conversation(db)
    assert conversation.department == code
    assert conversation.block_order[0] != "government_services"  # the drawn order stands
    assert person.buttons(), "the consent question was asked"


def test_people_who_started_finish_after_their_department_is_deactivated(
    app, signed_post, graph, db
):
    _add_births_office(db)
    person = Person(app, signed_post, graph, "psid-midway")
    person.open_link("ghanzi-births")
    person.tap("Yes")  # consent
    deactivate_department(db, "ghanzi-births")
    db.commit()
    person.tap("English")
    assert "How old are you?" in person.last_text()
    assert _conversation(db).department == "ghanzi-births"


def test_the_simulator_offers_active_departments_only(client, db):
    _add_births_office(db)
    deactivate_department(db, "moh-clinics")
    db.commit()
    page = client.get("/simulator").get_data(as_text=True)
    assert '<option value="ghanzi-births">Ghanzi district births office' in page
    assert 'value="moh-princess-marina"' in page
    assert 'value="moh-clinics"' not in page


def test_flows_run_reads_the_registry_for_its_ref(app, db):
    _add_births_office(db)
    runner = app.test_cli_runner()
    known = runner.invoke(args=["flows", "run", "--ref", "ghanzi-births"], input="\n")
    unknown = runner.invoke(args=["flows", "run", "--ref", "not-a-department"], input="\n")
    assert known.exit_code == 0 and "no active department" not in known.output
    assert "no active department has the code 'not-a-department'" in unknown.output


def test_the_registry_is_the_only_source_no_yaml_left(db):
    from pathlib import Path

    import survey_flows

    assert not (Path(survey_flows.__file__).parent / "flows" / "departments.yaml").exists()
    assert db.scalar(select(DepartmentRecord.code).where(DepartmentRecord.code == "moh-clinics"))
