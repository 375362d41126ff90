from django.apps import AppConfig


class DesignationConfig(AppConfig):
    name = "designation"
    verbose_name = "Designation"

    def ready(self) -> None:
        from designation import checks, permissions  # noqa: F401  (registers rules and checks)
