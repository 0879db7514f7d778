"""The course: notebook setup, running (papermill, nbclient), the site, editions and exercises.

This layer sits on top of the analysis modules and is what ``crmlab start``, ``crmlab build`` and
``make refresh`` use. The running helpers of :mod:`crmlab.course.run` are importable from here.
"""

from crmlab.course.run import (  # noqa: F401  (the course's public running API)
    DETERMINISTIC_ENV,
    NOTEBOOK_DIR,
    ROOT,
    execute,
    find_notebook,
    notebooks,
    parse_parameter,
    run_with_parameters,
)
