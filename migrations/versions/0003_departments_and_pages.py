"""departments and Facebook Pages: the registry moves from departments.yaml into the database

Creates the Page registry (tokens encrypted at rest), the department registry and the
service areas each department provides, and imports the six departments that
survey_flows/flows/departments.yaml held at this revision (the file is gone after it), with
their ministries and draft Setswana names.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:00:00
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AREAS = ("healthcare", "primary_education", "secondary_education", "government_services")
HEALTH = "Ministry of Health"
EDUCATION = "Ministry of Child Welfare and Basic Education"
HOME_AFFAIRS = "Ministry of Labour and Home Affairs"
# code, English name (as in departments.yaml), Setswana name (draft), ministry, service area
IMPORTED = (
    ("moh-princess-marina", "Princess Marina Hospital outpatients",
     "Kokelo ya Princess Marina (balwetse ba ba sa robaleng)", HEALTH, "healthcare"),
    ("moh-clinics", "Ministry of Health clinics",
     "Ditliliniki tsa Lephata la Boitekanelo", HEALTH, "healthcare"),
    ("moe-primary", "Ministry of Education primary schools",
     "Dikolo tsa poraemari tsa Lephata la Thuto", EDUCATION, "primary_education"),
    ("moe-secondary", "Ministry of Education secondary schools",
     "Dikolo tsa sekontari tsa Lephata la Thuto", EDUCATION, "secondary_education"),
    ("dnrs-omang", "Civil and National Registration (Omang)",
     "Kwadiso ya Baagi (Omang)", HOME_AFFAIRS, "government_services"),
    ("dnrs-births", "Civil and National Registration (births and deaths)",
     "Kwadiso ya Baagi (ditsalo le dintsho)", HOME_AFFAIRS, "government_services"),
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "facebook_pages",
        sa.Column("page_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("token_ciphertext", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("page_id", name=op.f("pk_facebook_pages")),
    )
    departments = op.create_table(
        "departments",
        sa.Column("code", sa.String(length=250), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_tn", sa.String(length=200), nullable=False),
        sa.Column("ministry", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("page_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["facebook_pages.page_id"],
            name=op.f("fk_departments_page_id_facebook_pages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_departments")),
    )
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_departments_ministry"), ["ministry"], unique=False)
    areas = op.create_table(
        "department_service_areas",
        sa.Column("department_code", sa.String(length=250), nullable=False),
        sa.Column("service_area", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "service_area IN (" + ", ".join(f"'{area}'" for area in AREAS) + ")",
            name=op.f("ck_department_service_areas_known_area"),
        ),
        sa.ForeignKeyConstraint(
            ["department_code"],
            ["departments.code"],
            name=op.f("fk_department_service_areas_department_code_departments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "department_code", "service_area", name=op.f("pk_department_service_areas")
        ),
    )
    now = datetime(2026, 11, 24)
    op.bulk_insert(
        departments,
        [
            {
                "code": code,
                "name_en": en,
                "name_tn": tn,
                "ministry": ministry,
                "active": True,
                "page_id": None,
                "created_at": now,
            }
            for code, en, tn, ministry, _ in IMPORTED
        ],
    )
    op.bulk_insert(
        areas,
        [
            {"department_code": code, "service_area": area, "position": 0}
            for code, _, _, _, area in IMPORTED
        ],
    )


def downgrade() -> None:
    op.drop_table("department_service_areas")
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_departments_ministry"))
    op.drop_table("departments")
    op.drop_table("facebook_pages")
