"""manage.py erase_personal_data USERNAME… --by SECRETARIAT [--dry-run]: erase the personal data
of people whose retention period has ended (manyi.privacy.erasure)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from manyi.accounts.models import User
from manyi.privacy import erasure


class Command(BaseCommand):
    help = "Erase the personal data of the given accounts after the retention period."

    def add_arguments(self, parser) -> None:
        parser.add_argument("usernames", nargs="+", help="accounts to erase")
        parser.add_argument("--by", required=True, help="the secretariat account doing it")
        parser.add_argument(
            "--dry-run", action="store_true", help="only say when each may be erased"
        )

    def handle(self, *args: str, usernames: list[str], by: str, dry_run: bool, **options) -> None:
        actor = User.objects.filter(username=by).first()
        if actor is None:
            raise CommandError(f"没有账号“{by}”。")
        failed = 0
        for username in usernames:
            person = User.objects.filter(username=username).first()
            if person is None:
                self.stderr.write(f"{username}：没有此账号。")
                failed += 1
                continue
            if dry_run:
                day = erasure.erasable_on(person)
                self.stdout.write(f"{username}：自{day.isoformat()}起可以删除。")
                continue
            try:
                done = erasure.erase_personal_data(person, by=actor)
            except (ValidationError, PermissionDenied) as refused:
                self.stderr.write(
                    f"{username}：{'；'.join(getattr(refused, 'messages', [str(refused)]))}"
                )
                failed += 1
                continue
            self.stdout.write(
                f"{username}：已删除（申报{done.nominations}份，文件{done.files}个，"
                f"同意记录{done.consents}项已匿名）。"
            )
        if failed:
            raise CommandError(f"{failed}个账号未删除。")
