"""Who may manage API tokens. The API's routes ask the rules of the other apps (see api.py)."""

import rules

from manyi.api.models import ApiToken


@rules.predicate
def owns_token(user, token: ApiToken | None) -> bool:
    return bool(token and user.is_authenticated and token.user_id == user.pk)


rules.add_perm("api.revoke_apitoken", owns_token)
