import pytest


@pytest.fixture(autouse=True)
def _evidence_in_a_temporary_directory(settings, tmp_path):
    """Evidence written by a test (or by seed_demo) goes to a throwaway directory."""
    settings.MEDIA_ROOT = tmp_path / "evidence"
