"""Who may do what with users and organizations. Views, admin and API ask these rules.

Predicates are plain functions of the user (and object); `rules` registers them as Django
permissions so that the admin and `user.has_perm` ask the same place.
"""

import rules

from manyi.accounts.models import Role


@rules.predicate
def is_secretariat(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.SECRETARIAT)


@rules.predicate
def is_judge(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.JUDGE)


def register_secretariat_admin(app_label: str, *model_names: str) -> None:
    """The secretariat manages these models in the admin: view, add, change, delete."""
    for model_name in model_names:
        for action in ("view", "add", "change", "delete"):
            rules.add_perm(f"{app_label}.{action}_{model_name}", is_secretariat)


rules.add_perm("accounts", is_secretariat)
register_secretariat_admin("accounts", "user", "organization")
