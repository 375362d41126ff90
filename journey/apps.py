from django.apps import AppConfig
from django.db.backends.signals import connection_created


class JourneyConfig(AppConfig):
    """The five steps across apps: orchestration, renewal, dashboard, queues, journey pages and API.

    No models of its own: it calls the services and selectors of designation, assessments and
    metrics, which never call back up into it."""

    name = "journey"
    verbose_name = "Journey"

    def ready(self) -> None:
        from journey import dashboard_cache

        connection_created.connect(
            dashboard_cache.create_fingerprint_function, dispatch_uid="dashboard-fingerprint"
        )
