"""Fixtures shared by the bookings tests (the others are in the project's conftest.py)."""

from __future__ import annotations

import pytest

from smartwork.network.choices import ResourceKind


@pytest.fixture
def desk(centre):
    """The centre's first desk by name."""
    return centre.resources.filter(kind=ResourceKind.DESK).order_by("name").first()


@pytest.fixture
def room(centre):
    """The centre's meeting room (a test centre has one)."""
    return centre.resources.get(kind=ResourceKind.MEETING_ROOM)
