"""Human names for what the estimates are about, in English and Setswana.

Question texts and answer labels come from the flow file (``analytics.codebook.flow``): the
questionnaire is their one source. What the flow does not name (service areas, the short name
of each attribute, breakdown dimensions, topics, interview outcomes, periods) is named here,
once, for the dashboard and the reports alike. No code, id or referral code is ever shown
where one of these names exists. The Setswana names are a draft awaiting review by a native
speaker, like the flow's Setswana texts.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from analytics.codebook import flow
from analytics.load import Period

if TYPE_CHECKING:
    from analytics.directory import Directory

LANGUAGES = ("en", "tn")

AREAS = {
    "healthcare": {"en": "Health care", "tn": "Tlhokomelo ya boitekanelo"},
    "primary_education": {"en": "Primary schools", "tn": "Dikolo tsa poraemari"},
    "secondary_education": {"en": "Secondary schools", "tn": "Dikolo tsa sekontari"},
    "government_services": {
        "en": "ID and civil documents",
        "tn": "Dikwalo tsa boitshupo le tsa botshelo",
    },
}
ATTRIBUTES = {
    "accessibility": {"en": "Easy to reach", "tn": "Go fitlhelela go motlhofo"},
    "affordability": {"en": "Affordable", "tn": "Go a kgonega ka madi"},
    "quality_of_facilities": {"en": "Clean, good facilities", "tn": "Mafelo a phepa, a siame"},
    "equal_treatment": {"en": "Everyone treated equally", "tn": "Botlhe ba tshwarwa ka tekano"},
    "courtesy_of_staff": {"en": "Staff gave enough time", "tn": "Badiri ba ne ba naya nako"},
    "quality_of_teaching": {"en": "Good teaching", "tn": "Go ruta go go siameng"},
    "effective_delivery": {"en": "Simple process", "tn": "Tsamaiso e motlhofo"},
    "timeliness": {"en": "Reasonable time taken", "tn": "Nako e e utlwalang"},
    "average": {"en": "Average of the five", "tn": "Palogare ya tse tlhano"},
    "overall": {"en": "Satisfied overall", "tn": "Ba itumetse ka kakaretso"},
}
DIMENSIONS = {
    "total": {"en": "Everyone", "tn": "Botlhe"},
    "sex": {"en": "Sex", "tn": "Bong"},
    "age_band": {"en": "Age", "tn": "Dingwaga"},
    "district": {"en": "District", "tn": "Kgaolo"},
    "urban_rural": {"en": "Town or village", "tn": "Toropo kgotsa motse"},
    "income_band": {"en": "Household income", "tn": "Lotseno lwa lelwapa"},
    "disability": {"en": "Disability", "tn": "Bogole"},
    "department": {"en": "Department", "tn": "Lefapha"},
    "language": {"en": "Language", "tn": "Puo"},
    "week": {"en": "Week", "tn": "Beke"},
    "month": {"en": "Month", "tn": "Kgwedi"},
    "gov_online": {"en": "Applied online", "tn": "Kopo ka inthanete"},
}
# Breakdown variables that are questions of the flow: their categories are its options.
QUESTION_OF_DIMENSION = {
    "sex": "sex",
    "age_band": "age_band",
    "district": "district",
    "urban_rural": "urban_rural",
    "income_band": "income_band",
    "language": "language",
    "gov_online": "gov_online",
}
DISABILITY = {
    "1": {"en": "With a disability", "tn": "Ba na le bogole"},
    "2": {"en": "Without a disability", "tn": "Ba ba senang bogole"},
}
UNKNOWN = {"en": "Not known", "tn": "Ga go itsiwe"}
TOPICS = {
    "topic_waiting_time": {"en": "Waiting time", "tn": "Nako ya go leta"},
    "topic_staff_attitude": {"en": "Staff attitude", "tn": "Maitsholo a badiri"},
    "topic_cost": {"en": "Cost", "tn": "Ditshenyegelo"},
    "topic_cleanliness": {"en": "Cleanliness", "tn": "Bophepa"},
    "topic_distance": {"en": "Distance and transport", "tn": "Sekgala le dipalangwa"},
    "topic_medicine_supplies": {"en": "Medicine and supplies", "tn": "Melemo le didirisiwa"},
    "topic_corruption": {"en": "Corruption", "tn": "Bobodu"},
    "topic_process_complexity": {
        "en": "Complicated procedures",
        "tn": "Ditsamaiso tse di raraaneng",
    },
    "topic_other": {"en": "Other", "tn": "Tse dingwe"},
}
OUTCOMES = {
    "completed": {"en": "Finished", "tn": "Ba feditse"},
    "active": {"en": "Still answering", "tn": "Ba sa ntse ba araba"},
    "expired": {"en": "Stopped answering", "tn": "Ba emisitse go araba"},
    "stopped": {"en": "Asked to stop", "tn": "Ba kopile go emisa"},
    "declined": {"en": "Declined to take part", "tn": "Ba gannye go tsaya karolo"},
    "screened_out": {"en": "Under 18, thanked", "tn": "Ba ka fa tlase ga 18"},
    "deleted": {"en": "Deleted their answers", "tn": "Ba phimotse dikarabo"},
}
MONTHS = {
    "en": [
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ],
    "tn": [
        "Ferikgong", "Tlhakole", "Mopitlwe", "Moranang", "Motsheganong", "Seetebosigo",
        "Phukwi", "Phatwe", "Lwetse", "Diphalane", "Ngwanatsele", "Sedimonthole",
    ],
}  # fmt: skip


def pick(names: dict[str, str], lang: str) -> str:
    """Return a name in a language, English when the language has none."""
    return names.get(lang) or names["en"]


def area(name: str, lang: str) -> str:
    """Return a service area's name."""
    return pick(AREAS.get(name) or {"en": name.replace("_", " ")}, lang)


def attribute(name: str, lang: str) -> str:
    """Return the short name of an attribute, the average or overall satisfaction."""
    return pick(ATTRIBUTES.get(name) or {"en": name.replace("_", " ")}, lang)


def dimension(name: str, lang: str) -> str:
    """Return a breakdown dimension's name (``sex+urban_rural`` reads 'Sex and ...')."""
    parts = [pick(DIMENSIONS.get(part) or {"en": part}, lang) for part in name.split("+")]
    return (" le " if lang == "tn" else " and ").join(parts)


def question_text(question_id: str, lang: str) -> str:
    """Return the question as the flow asks it, in a language."""
    texts = flow().question(question_id).texts
    return texts.get(lang) or texts[flow().default_language]


def answer_label(question_id: str, code: int, lang: str) -> str:
    """Return the label of an answer code as the flow's buttons read in a language."""
    option = flow().question(question_id).option(code)
    if option is None:
        return pick(UNKNOWN, lang)
    return option.label if lang == "en" else option.titles.get(lang) or option.label


def category(dimension_name: str, value: str, lang: str, directory: Directory | None = None) -> str:
    """Return the name of a breakdown category (``2+1`` reads 'Female, Town or city').

    A department is named from the registry: give the ``directory`` read for the page or
    report whenever the dimension may be ``department``.
    """
    if dimension_name == "total":
        return pick(DIMENSIONS["total"], lang)
    names = dimension_name.split("+")
    values = value.split("+") if len(names) > 1 else [value]
    return ", ".join(
        _one_category(n, v, lang, directory) for n, v in zip(names, values, strict=True)
    )


def _one_category(name: str, value: str, lang: str, directory: Directory | None) -> str:
    if name == "department":
        if directory is None:
            raise ValueError("naming a department needs the registry: pass directory=")
        return directory.name(None if value == "unknown" else value, lang)
    if value == "unknown":
        return pick(UNKNOWN, lang)
    if name == "disability":
        return pick(DISABILITY.get(value) or UNKNOWN, lang)
    if name == "week":
        return week_name(value, lang)
    if name == "month":
        return month_name(value, lang)
    question = QUESTION_OF_DIMENSION.get(name)
    if question is not None and value.lstrip("-").isdigit():
        return answer_label(question, int(value), lang)
    return value


def week_name(label: str, lang: str) -> str:
    """Return ``2026-W47`` as 'Week 47 of 2026 (16 to 22 November)'."""
    year, week = int(label[:4]), int(label[6:])
    monday = date.fromisocalendar(year, week, 1)
    sunday = date.fromisocalendar(year, week, 7)
    span = f"{_day(monday, lang)} - {_day(sunday, lang)}"
    if lang == "tn":
        return f"Beke {week} ya {year} ({span})"
    return f"Week {week} of {year} ({span})"


def month_name(label: str, lang: str) -> str:
    """Return ``2026-11`` as 'November 2026'."""
    year, month = int(label[:4]), int(label[5:7])
    return f"{pick(dict(en=MONTHS['en'][month - 1], tn=MONTHS['tn'][month - 1]), lang)} {year}"


def _day(day: date, lang: str) -> str:
    return f"{day.day} {MONTHS.get(lang, MONTHS['en'])[day.month - 1][:3]}"


def period_name(kind: str, label: str, lang: str) -> str:
    """Return the name of a week or month period."""
    return week_name(label, lang) if kind == "week" else month_name(label, lang)


def period_days(period: Period, lang: str) -> str:
    """Return the days of a period in words: '16 Nov 2026 - 22 Nov 2026'."""
    assert period.start is not None and period.end is not None
    first, last = period.start, period.end
    return f"{_day(first, lang)} {first.year} - {_day(last, lang)} {last.year}"


def topic(name: str, lang: str) -> str:
    """Return the name of an improvement topic."""
    return pick(TOPICS.get(name) or TOPICS["topic_other"], lang)


def outcome(status: str, lang: str) -> str:
    """Return what happened to an interview, in words."""
    return pick(OUTCOMES.get(status) or {"en": status.replace("_", " ")}, lang)
