"""The service areas a department can provide, and the survey block that asks about each.

The departments themselves live in the database (bot.departments); the engine only needs
to know which block to ask first for a department's service area.
"""

from __future__ import annotations

BLOCK_OF_AREA = {
    "healthcare": "healthcare",
    "primary_education": "education",
    "secondary_education": "education",
    "government_services": "government_services",
}
