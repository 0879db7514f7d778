"""Notebook setup, kept importable under its former name for notebooks copied before
:mod:`crmlab.course` held the course tooling: use :mod:`crmlab.course.notebook`."""

from crmlab.course.notebook import setup, versions  # noqa: F401
