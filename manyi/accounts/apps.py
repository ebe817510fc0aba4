from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "manyi.accounts"
    verbose_name = "用户与组织"

    def ready(self) -> None:
        from manyi.accounts import permissions  # noqa: F401  (registers the rules)
