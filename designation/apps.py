from django.apps import AppConfig


class DesignationConfig(AppConfig):
    name = "designation"
    verbose_name = "Designation"

    def ready(self) -> None:
        from designation import permissions  # noqa: F401  (registers the permission rules)
