"""The living region: the demo with the fictional inspections of five other London PDUs loaded as well, on an app
of its own, so the Barking scenarios elsewhere keep the demo they were written for."""

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.conftest import DEMO_TODAY, database_urls, demo_app


@pytest.fixture(scope="session", params=[name for name, _ in database_urls()])
def app(request, tmp_path_factory) -> Iterator[Flask]:
    """The demo with the living region, as of DEMO_TODAY, for every test in this folder."""
    yield from demo_app(request, tmp_path_factory, DEMO_TODAY, suffix="region", region=True)
