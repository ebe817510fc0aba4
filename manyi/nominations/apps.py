from django.apps import AppConfig


class NominationsConfig(AppConfig):
    name = "manyi.nominations"
    verbose_name = "申报"

    def ready(self) -> None:
        from manyi.audit.labels import register
        from manyi.nominations import permissions  # noqa: F401  (registers the rules)
        from manyi.nominations.workflow import STEPS

        # The audit trail's page names each workflow move as the workflow does.
        register({f"nomination.{action}": f"申报：{step.label}" for action, step in STEPS.items()})
