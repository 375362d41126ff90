"""ISO dates for British English, the portal's language (see portal/formats/en)."""

from portal.formats.en.formats import *  # noqa: F403
