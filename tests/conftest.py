"""Shared fixtures: users by role and an API client."""

import pytest
from rest_framework.test import APIClient

from tests.designation import factories


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
