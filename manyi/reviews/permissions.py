"""Who may act in the review. The secretariat manages the review's settings in the admin."""

import rules

from manyi.accounts.permissions import is_secretariat, register_secretariat_admin

rules.add_perm("reviews", is_secretariat)
register_secretariat_admin(
    "reviews",
    "quota",
    "calendarday",
    "coaching",
    "panel",
    "endorsement",
    "formalcheck",
    "review",
    "decision",
    "objection",
    "award",
)
