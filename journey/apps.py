from django.apps import AppConfig


class JourneyConfig(AppConfig):
    """The five steps across apps: orchestration, renewal, dashboard, queues, journey pages and API.

    No models of its own: it calls the services and selectors of designation, assessments and
    metrics, which never call back up into it."""

    name = "journey"
    verbose_name = "Journey"
