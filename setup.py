"""Packages: everything under app/araz, plus resources/ and seeds/ mapped into the wheel
as araz._resources and araz._seeds (see package-dir in pyproject.toml).  A setup.py is
needed only because pyproject.toml cannot list found packages and mapped ones together."""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages("app", include=["araz", "araz.*"]),
        "araz._resources",
        "araz._seeds",
    ]
)
