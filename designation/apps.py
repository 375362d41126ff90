from django.apps import AppConfig


class DesignationConfig(AppConfig):
    name = "designation"
    verbose_name = "Designation"

    def ready(self) -> None:
        from designation import checks, permissions, roles  # noqa: F401  (registers rules and checks)

        roles.register()  # memberships and the bell's count join the one role lookup
