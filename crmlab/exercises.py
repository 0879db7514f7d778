"""``check``, ``hint`` and ``ask``, kept importable under their former module for notebooks copied
before :mod:`crmlab.course` held the course tooling: use :mod:`crmlab.course.exercises`."""

from crmlab.course.exercises import ask, check, hint  # noqa: F401
