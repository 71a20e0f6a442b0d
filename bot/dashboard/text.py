"""The dashboard's own words, in English and Setswana (a draft awaiting native review).

Names of services, attributes, groups and topics come from ``analytics.labels`` and the flow
file; these are the words of the pages around them.
"""

from __future__ import annotations

from flask import g

WORDS: dict[str, tuple[str, str]] = {
    "app": ("Satisfaction with public services", "Kgotsofalo ka ditirelo tsa puso"),
    "sign_in": ("Sign in", "Tsena"),
    "sign_out": ("Sign out", "Tswa"),
    "email": ("E-mail address", "Aterese ya imeile"),
    "password": ("Password", "Lefoko la sephiri"),
    "wrong_password": (
        "That e-mail address and password do not match. Try again.",
        "Aterese ya imeile le lefoko la sephiri ga di dumalane. Leka gape.",
    ),
    "too_many": (
        "Too many attempts. Wait a minute, then try again.",
        "Maiteko a mantsi thata. Leta motsotso, o bo o leka gape.",
    ),
    "session_expired": (
        "Your session ended. Please sign in again.",
        "Nako ya gago e fedile. Tsweetswee tsena gape.",
    ),
    "overview": ("Overview", "Kakaretso"),
    "comments": ("Comments", "Dikakgelo"),
    "reports": ("Reports", "Dipego"),
    "exports": ("Downloads", "Dipotso tsa data"),
    "users": ("Users", "Badirisi"),
    "subscriptions": ("E-mail reports", "Dipego ka imeile"),
    "language": ("Language", "Puo"),
    "period": ("Period", "Nako"),
    "department": ("Department", "Lefapha"),
    "service": ("Service", "Tirelo"),
    "all_departments": ("All departments", "Mafapha otlhe"),
    "show": ("Show", "Bontsha"),
    "include_test": ("Include test and simulated answers", "Akaretsa dikarabo tsa teko"),
    "test_banner": (
        "These figures include test and simulated answers: they are not official.",
        "Dipalo tse di akaretsa dikarabo tsa teko: ga se tsa semmuso.",
    ),
    "this_week": ("this week, so far", "beke eno, go fitlha jaanong"),
    "this_month": ("this month, so far", "kgwedi eno, go fitlha jaanong"),
    "respondents": ("People who answered", "Batho ba ba arabileng"),
    "started": ("Interviews started", "Dipotsolotso tse di simolotsweng"),
    "completion": ("Finished", "Ba feditse"),
    "no_data": (
        "Nobody answered in this period and department yet.",
        "Ga go na ope yo o arabileng mo nakong e le lefapha le.",
    ),
    "share_positive": ("Share positive", "Seabe se se siameng"),
    "interval": ("95% interval", "Sekgala sa 95%"),
    "ratings": ("Ratings", "Ditekanyetso"),
    "suppressed": ("too few answers to show", "dikarabo di mmalwa thata"),
    "no_answers": ("no answers", "ga go na dikarabo"),
    "suppressed_note": (
        "A figure based on fewer than {min_cell} ratings is not shown.",
        "Palo e e theilweng mo ditekanyetsong di le ka fa tlase ga {min_cell} ga e bontshiwe.",
    ),
    "attributes_title": (
        "{area}: share positive for each attribute",
        "{area}: seabe se se siameng",
    ),
    "attributes_desc": (
        "Percentage of people who agreed, for each attribute, the average of the five, and "
        "the percentage satisfied overall, each with its 95% interval.",
        "Phesente ya batho ba ba dumetseng, ka karolo nngwe le nngwe, palogare, le ba ba "
        "itumetseng ka kakaretso, le sekgala sa 95%.",
    ),
    "overall_title": ("Satisfied overall, by service", "Ba itumetse ka kakaretso, ka tirelo"),
    "trend_week": ("Satisfied overall, week by week", "Ba itumetse, beke le beke"),
    "trend_month": ("Satisfied overall, month by month", "Ba itumetse, kgwedi le kgwedi"),
    "trend_desc": (
        "Each point is that period's own figure, as in its report.",
        "Ntlha nngwe le nngwe ke palo ya nako eo, jaaka mo pegong ya yone.",
    ),
    "breakdowns": ("Satisfied overall, by group", "Ba itumetse, ka setlhopha"),
    "group": ("Group", "Setlhopha"),
    "topics": ("What people asked to improve", "Se batho ba kopang gore se tokafadiwe"),
    "topic": ("Topic", "Setlhogo"),
    "answers": ("Answers", "Dikarabo"),
    "examples": ("Examples", "Dikai"),
    "no_comments": ("No comments in this period.", "Ga go na dikakgelo mo nakong e."),
    "masked_note": (
        "Phone numbers, e-mail addresses and ID numbers are hidden.",
        "Dinomoro tsa mogala, diaterese tsa imeile le dinomoro tsa boitshupo di fitlhilwe.",
    ),
    "report": ("Report", "Pego"),
    "weekly": ("Weekly", "Ya beke"),
    "monthly": ("Monthly", "Ya kgwedi"),
    "covers": ("Covers", "E akaretsa"),
    "download_pdf": ("Download PDF", "Tsenya PDF"),
    "no_reports": ("No report yet.", "Ga go na pego."),
    "build_report": ("Build this report now", "Dira pego e jaanong"),
    "download": ("Download", "Tsenya"),
    "indicator_table": ("Indicator table", "Lenaane la dipalo"),
    "microdata": ("Microdata (one row per answer or per person)", "Data ya motho mongwe le mongwe"),
    "codebook": ("Codebook", "Buka ya dikhoutu"),
    "format": ("Format", "Sebopego"),
    "wide": ("One row per person", "Mola o le mongwe ka motho"),
    "role": ("Role", "Seabe"),
    "add_user": ("Add a user", "Tsenya modirisi"),
    "add": ("Add", "Tsenya"),
    "remove": ("Remove", "Ntsha"),
    "disable": ("Disable", "Thibela"),
    "enable": ("Enable", "Bula"),
    "frequency": ("How often", "Gangwe ka"),
    "ministry": ("Ministry", "Lefapha la puso"),
    "saved": ("Saved.", "Go bolokilwe."),
    "not_found": ("Not found.", "Ga e a bonwa."),
    "not_allowed": ("You cannot do this.", "Ga o kgone go dira se."),
    "figures_as_of": ("Figures as of {time} UTC.", "Dipalo tsa {time} UTC."),
    "question_asked": ("Question asked", "Potso e e bodiwang"),
    "skip": ("Skip to the content", "Tlolela kwa diteng"),
    "inactive": ("no longer active", "ga le sa dire"),
    "departments": ("Departments", "Mafapha"),
    "add_department": ("Add a department", "Tsenya lefapha"),
    "department_added": ("{name} was added.", "{name} le tsentswe."),
    "department_deactivated": (
        "{name} is no longer offered. Its link still opens the survey.",
        "{name} ga le sa tlhole le bontshiwa. Kgolagano ya lone e sa ntse e bula dipotso.",
    ),
    "department_activated": ("{name} is offered again.", "{name} le bontshiwa gape."),
    "code": ("Code", "Khoutu"),
    "code_hint": (
        "The ref of the department's link, m.me/<page>?ref=<code>: letters, digits, - _ or =, "
        "for example moh-clinics. It cannot be changed later.",
        "Khoutu ya kgolagano ya lefapha, m.me/<page>?ref=<khoutu>: ditlhaka, dinomoro, - _ "
        "kgotsa =, jaaka moh-clinics. Ga e ka ke ya fetolwa morago.",
    ),
    "name_en": ("Name in English", "Leina ka Sekgoa"),
    "name_tn": ("Name in Setswana (optional)", "Leina ka Setswana (ga go patelesege)"),
    "name_tn_hint": (
        "Left empty, the English name is shown to Setswana readers.",
        "Fa le sa kwalwa, leina la Sekgoa le a bontshiwa.",
    ),
    "ministry_hint": (
        "Type it as the other departments of the ministry have it, so its reports gather them.",
        "Le kwale jaaka mafapha a mangwe a lefapha la puso a le kwadile.",
    ),
    "first_area": ("Service asked about first", "Tirelo e e botswang pele"),
    "choose": ("Choose one", "Tlhopha nngwe"),
    "other_areas": ("Other services it provides", "Ditirelo tse dingwe tse le di neelang"),
    "page": ("Facebook Page", "Tsebe ya Facebook"),
    "central_page": ("The central survey Page", "Tsebe e kgolo ya dipotso"),
    "asked_first": ("asked first", "e bodiwa pele"),
    "services": ("Services", "Ditirelo"),
    "state": ("State", "Seemo"),
    "active": ("active", "le a dira"),
    "link": ("Link", "Kgolagano"),
    "assets": ("Link, QR codes and poster", "Kgolagano, dikhoutu tsa QR le phousetara"),
    "link.txt": ("Link (text)", "Kgolagano (mokwalo)"),
    "qr.png": ("QR code (PNG)", "Khoutu ya QR (PNG)"),
    "qr.svg": ("QR code (SVG, for print)", "Khoutu ya QR (SVG, go gatisa)"),
    "poster.pdf": ("Poster (PDF, A4)", "Phousetara (PDF, A4)"),
    "no_assets_inactive": (
        "Activate it to download new assets.",
        "Le dire gore o kgone go tsenya tse dintšhwa.",
    ),
    "no_central_page": (
        "Links, QR codes and posters need a Page to point to.",
        "Dikgolagano, dikhoutu tsa QR le diphousetara di tlhoka tsebe.",
    ),
    "deactivate": ("Deactivate", "Emisa"),
    "activate": ("Activate", "Dira gape"),
    "fix_errors": ("Please correct the following", "Tsweetswee baakanya tse di latelang"),
    "missing_code": ("Give the department a code.", "Naya lefapha khoutu."),
    "missing_name_en": ("Give the department's name in English.", "Naya leina ka Sekgoa."),
    "missing_ministry": ("Give the ministry it belongs to.", "Naya lefapha la puso."),
    "missing_area": ("Choose the service asked about first.", "Tlhopha tirelo e e botswang pele."),
    "too_long": ("Keep it to {limit} characters.", "E seka ya feta ditlhaka di le {limit}."),
}


def t(key: str, **values: object) -> str:
    """Return the dashboard's words for a key in the viewer's language."""
    english, setswana = WORDS[key]
    text = setswana if getattr(g, "lang", "en") == "tn" else english
    return text.format(**values) if values else text
