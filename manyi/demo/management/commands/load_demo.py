from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from manyi.demo.services import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the 2018 demo campaign and one demo account per role (kept if already there)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            accounts = load_demo()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for account in accounts:
            self.stdout.write(
                f"  {account.username:<12} {account.role.label:<8} {account.display_name}"
            )
