"""Who may read the audit trail: the secretariat. Nobody may add, change or delete it — not
in the admin (the admin asks these permissions), not in any view, not in the database."""

import rules

from manyi.accounts.permissions import is_secretariat

rules.add_perm("audit", is_secretariat)
rules.add_perm("audit.view_auditevent", is_secretariat)
