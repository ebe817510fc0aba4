"""Who may manage campaigns and rubrics: the secretariat."""

import rules

from manyi.accounts.permissions import is_secretariat, register_secretariat_admin

rules.add_perm("campaigns", is_secretariat)
register_secretariat_admin(
    "campaigns", "campaign", "category", "rubric", "rubricitem", "criterion", "band"
)
