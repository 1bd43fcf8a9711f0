"""Shared fixtures: paths of the project and its launcher."""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def overparam():
    return str(ROOT / "submit" / "overparam")
