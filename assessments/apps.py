from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "ISSI assessments"

    def ready(self) -> None:
        from assessments import permissions  # noqa: F401  (registers the permission rules)
