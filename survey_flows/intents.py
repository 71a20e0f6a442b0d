"""The intent vocabulary shared by the survey flows and the NLU.

Intents are language-neutral labels: English and Setswana examples train the same names.
A flow option names the intent that selects it; the NLU project trains exactly these.
"""

AGREE_SCALE = ("strongly_agree", "agree", "disagree", "strongly_disagree")
SATISFACTION_SCALE = ("very_satisfied", "satisfied", "dissatisfied", "very_dissatisfied")
YES_NO = ("yes", "no")
NON_SUBSTANTIVE = ("dont_know", "refuse", "not_applicable")
COMMANDS = ("stop", "restart", "help", "change_language", "delete_my_data", "greet")
NUMBER = "number"  # entities: {"number": float}
# The words that give a command, in both languages: the keyword classifier reads them, and
# said as a clause of their own beside a rating ("ke lapile, emisa": I'm tired, stop), the
# survey takes them as what the person may have meant.
COMMAND_PHRASES: dict[str, tuple[str, ...]] = {
    "stop": (
        "stop", "quit", "unsubscribe", "emisa", "emisang", "kgaotsa", "kgaotseng", "kgaotsang",
        "stop the questions", "stop asking", "a re emeng", "a re emiseng", "a re kgaotseng",
    ),
    "restart": (
        "restart", "start again", "start over", "simolola gape", "simolola sesha",
        "re simolole", "simolole gape", "simolole sesha", "go back to the first question",
        "boela kwa potsong ya ntlha", "boela kwa tshimologong", "boeleng kwa potsong ya ntlha",
        "boeleng kwa tshimologong", "redo", "redo from the beginning",
        "start from the beginning", "begin again", "back to the first question",
        "back to the beginning", "back to the start",
    ),
    "help": ("help", "thuso", "nthuse", "nthusa", "ga ke tlhaloganye"),
    "change_language": (
        "change language", "language", "setswana", "tswana", "english", "sekgoa", "sekgowa",
        "puo", "fetola puo", "fetolela ka sekgoa", "fetolele ka sekgoa", "fetolela ka setswana",
        "fetolele ka setswana", "switch to english", "switch to setswana", "change to english",
        "change to setswana",
    ),
    "delete_my_data": (
        "delete my data", "delete my answers", "erase my data", "delete all", "delete everything",
        "phimola dikarabo", "phimola data", "phimola tshedimosetso", "tlosa dikarabo", "tlosa data",
        "tlosa tsotlhe", "delete my information", "delete all my", "delete all of my",
        "erase all", "delete the information", "answers to be deleted", "data to be deleted",
        "information to be deleted",
    ),
}  # fmt: skip
TOPICS = (
    "topic_waiting_time",
    "topic_staff_attitude",
    "topic_cost",
    "topic_cleanliness",
    "topic_distance",
    "topic_medicine_supplies",
    "topic_corruption",
    "topic_process_complexity",
    "topic_other",
)

ALL = (
    *AGREE_SCALE,
    *SATISFACTION_SCALE,
    *YES_NO,
    *NON_SUBSTANTIVE,
    *COMMANDS,
    NUMBER,
    *TOPICS,
)
