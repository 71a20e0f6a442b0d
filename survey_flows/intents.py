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
