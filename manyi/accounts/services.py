"""State changes of users and organizations."""

from django.db import transaction

from manyi.accounts.models import Organization, Role, User


@transaction.atomic
def create_user(
    username: str,
    *,
    password: str,
    display_name: str,
    role: Role,
    organization: Organization | None = None,
    email: str = "",
    mobile: str = "",
) -> User:
    """Create a user of a role. Secretariat users may sign in to the admin (is_staff)."""
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        organization=organization,
        email=email,
        mobile=mobile,
        is_staff=role == Role.SECRETARIAT,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user
