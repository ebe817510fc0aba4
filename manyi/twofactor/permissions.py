"""Who may turn on TOTP two-factor login: the secretariat and the judges (the issue: "the
secretariat and judges can turn on TOTP"). Applicants and recommenders are not offered it."""

import rules

from manyi.accounts.permissions import is_judge, is_secretariat

may_use_twofactor = is_secretariat | is_judge

rules.add_perm("twofactor.use", may_use_twofactor)
