"""Who may do what with personal-information records. Views ask these, never templates.

- Everyone signed in reads and downloads the data held about themselves, and withdraws their
  own consent to publication.
- The secretariat erases a person's data after the retention period (the rule of the period
  is in erasure.py: permission says who, the rule says when).
"""

import rules

from manyi.accounts.permissions import is_secretariat


@rules.predicate
def is_consent_owner(user, consent) -> bool:
    return bool(consent and user.is_authenticated and consent.user_id == user.pk)


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


rules.add_perm("privacy", is_secretariat)  # the admin's module
rules.add_perm("privacy.view_consent", is_secretariat | is_consent_owner)
rules.add_perm("privacy.withdraw_consent", is_consent_owner)
rules.add_perm("privacy.download_personal_data", is_signed_in)
rules.add_perm("privacy.erase_personal_data", is_secretariat)
