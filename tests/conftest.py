"""Shared fixtures: users by role and an API client."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.designation import factories


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Throttle and lockout counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def org(db):
    """An organisation with every prerequisite met."""
    return factories.EligibleOrganizationFactory()


@pytest.fixture
def other_org(db):
    return factories.EligibleOrganizationFactory()


@pytest.fixture
def partner_admin(org):
    return factories.MembershipFactory(organization=org, role="admin").user


@pytest.fixture
def partner_member(org):
    return factories.MembershipFactory(organization=org, role="member").user


@pytest.fixture
def reviewer(db):
    return factories.UserFactory(groups=["Microsoft reviewer"])


@pytest.fixture
def auditor(db):
    return factories.UserFactory(groups=["ISSI auditor"])


@pytest.fixture(autouse=True)
def celery_eager():
    """Every test runs Celery tasks in-process, even when REDIS_URL names a real broker (CI).

    The real-worker tests in tests/metrics switch this off for themselves.
    """
    from portal.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
