from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "ISSI assessments"

    def ready(self) -> None:
        from assessments import checks, permissions  # noqa: F401  (registers rules and checks)
