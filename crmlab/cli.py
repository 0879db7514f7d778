"""The ``crmlab`` command: build the course, run a notebook on your own data, CLV on your own file.

    crmlab build [--edition student|instructor|nbgrader] [--output DIR] [--no-execute] [--points N] [--lang all|en|zh]
    crmlab new NN_topic --title "..." [--minutes M] [--course-dir DIR]
    crmlab refresh [NOTEBOOK ...]
    crmlab start DIR [--edition student|instructor] [--lang en|zh]
    crmlab run 03 -p transactions my_log.csv -p customer_col client [--output OUT.ipynb]
    crmlab clv FILE --customer-col C --date-col D [--amount-col A] --calibration-end DATE [--output DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import sys
import warnings
from pathlib import Path

import nbformat

from crmlab import course
from crmlab.errors import CrmlabError
from crmlab.validation import check_output_file


def main(argv: list[str] | None = None) -> int:
    """Run the ``crmlab`` command (the usage is in this module's docstring); errors end it with status 2.

    A :class:`~crmlab.errors.CrmlabError` is printed to standard error as ``crmlab: error: ...`` (for
    ``crmlab clv``, with the Python keywords in the message rewritten as flags by :func:`in_flags`);
    any other failure is printed the same way, never as a traceback. Warnings print as one line,
    ``crmlab: CrmlabWarning: ...``.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after ``crmlab``; ``None`` reads them from ``sys.argv``.

    Returns
    -------
    int
        The exit status: 0 on success, 2 on an error. A usage error (an unknown command or flag) is
        argparse's: it prints the usage and raises ``SystemExit(2)``.

    Examples
    --------
    >>> import contextlib, sys
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     status = main(["run", "03", "--output", "no-such-folder/run.ipynb"])
    crmlab: error: --output 'no-such-folder/run.ipynb': the folder 'no-such-folder' does not exist; create it first
    >>> status
    2
    """
    parser = argparse.ArgumentParser(prog="crmlab", description="CRM analytics: the course and its tools")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="execute the notebooks and build the course site")
    p.add_argument("--output", type=Path, default=Path("_build/site"), help="site folder (default: _build/site)")
    p.add_argument("--edition", choices=["instructor", "student", "nbgrader"], default="instructor",
                   help="student: solutions removed; instructor (default): solutions kept; nbgrader: an "
                   "nbgrader source course (one assignment per notebook, exercises autograded) in --output")
    p.add_argument("--no-execute", action="store_true", help="render the stored outputs instead of executing")
    p.add_argument("--points", type=float, default=1.0, help="nbgrader edition: points per exercise (default 1)")
    p.add_argument("--lang", choices=["all", "en", "zh"], default="all",
                   help="language of the site: all (default) builds English at the root and Chinese in zh/, "
                   "each page linking to the other; en or zh builds one (the nbgrader edition: en unless zh)")

    p = sub.add_parser("new", help="add a notebook to the course from the template, registered in course.yaml")
    p.add_argument("name", help="NN_topic, e.g. 07_pricing (a number not yet used)")
    p.add_argument("--title", required=True, help="the notebook's title")
    p.add_argument("--minutes", type=int, default=45, help="study time in the course map (default 45)")
    p.add_argument("--course-dir", type=Path,
                   help="the course (holding notebooks/ and crmlab/); default: the clone crmlab runs from")

    p = sub.add_parser("refresh", help="re-execute notebooks in place (deterministic outputs for nbval)")
    p.add_argument("notebooks", nargs="*", type=Path, help="default: every course notebook")

    p = sub.add_parser("start", help="copy the notebooks (student edition) and data templates into a new folder")
    p.add_argument("directory", type=Path)
    p.add_argument("--edition", choices=["student", "instructor"], default="student",
                   help="student (default): no solutions, exercises unanswered; instructor: with solutions")
    p.add_argument("--lang", choices=["en", "zh"], default="en",
                   help="language of the notebooks, feedback and figures: en (default) or zh (中文)")

    p = sub.add_parser("run", help="execute a copy of a notebook with parameters (papermill)")
    p.add_argument("notebook", help="number (e.g. 03) or path of the notebook")
    p.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                   help="set a parameter of the notebook's 'parameters' cell")
    p.add_argument("--output", type=Path, help="executed notebook (default: NN_name-run.ipynb here)")
    p.add_argument("--force", action="store_true", help="overwrite an existing --output")

    p = sub.add_parser("clv", help="customer lifetime value from your own transaction file")
    p.add_argument("file", type=Path, help="CSV or Parquet transaction log")
    p.add_argument("--customer-col", required=True)
    p.add_argument("--date-col", required=True)
    p.add_argument("--amount-col", help="spend per transaction (needed for CLV in money)")
    p.add_argument("--date-format", help="e.g. %%d/%%m/%%Y or %%Y%%m%%d; default: ISO dates inferred")
    p.add_argument("--encoding", default="utf-8", help="text encoding of a CSV file (default utf-8; e.g. gb18030)")
    p.add_argument("--calibration-end", required=True, help="last date used to fit the model (YYYY-MM-DD)")
    p.add_argument("--observation-end", help="end of the data (default: the last transaction)")
    p.add_argument("--freq", default="W", choices=["D", "W", "M"], help="time unit of the model (default W)")
    p.add_argument("--horizon", type=float, default=52,
                   help="CLV/forecast horizon in time units of --freq (default 52, a year of weeks)")
    p.add_argument("--discount-rate", type=float, default=0.10,
                   help="annual discount rate, converted to the time unit (default 0.10 = 10%% a year)")
    p.add_argument("--output", type=Path, default=Path("crmlab-clv"), help="output folder (default crmlab-clv)")
    p.add_argument("--force", action="store_true", help="overwrite earlier results in --output")

    args = parser.parse_args(argv)
    warnings.formatwarning = lambda message, category, *_: f"crmlab: {category.__name__}: {message}\n"
    try:
        if args.command == "build" and args.edition == "nbgrader":
            from crmlab.course import editions

            written = editions.write_nbgrader_course(args.output, points=args.points,
                                                     lang="zh" if args.lang == "zh" else "en")
            print(f"nbgrader course with {len(written)} assignments: {args.output.resolve()}")
            print(f"next: cd {args.output} && nbgrader generate_assignment {written[0].parent.name}")
        elif args.command == "build":
            from crmlab.course import site

            langs = ("en", "zh") if args.lang == "all" else (args.lang,)
            index = site.build(args.output, edition=args.edition, execute=not args.no_execute, langs=langs)
            print(f"course site ({args.edition} edition, {' and '.join(langs)}): {index.resolve()}")
        elif args.command == "new":
            from crmlab.course import authoring

            made = authoring.new_notebook(args.name, args.title, course_dir=args.course_dir, minutes=args.minutes)
            for path in (made.notebook, made.exercises, made.course_yaml):
                print(f"wrote {path}")
            print(f"next: crmlab refresh {made.notebook}")
        elif args.command == "refresh":
            for path in args.notebooks or course.notebooks():
                print(f"executing {path}", flush=True)
                course.execute(Path(path))
        elif args.command == "start":
            start(args.directory, edition=args.edition, lang=args.lang)
        elif args.command == "run":
            if args.output is not None:
                check_output_file(args.output, force=args.force, name="--output")
            out = course.run_with_parameters(args.notebook, dict(args.parameter), args.output)
            print(f"executed notebook: {out}")
        elif args.command == "clv":
            from crmlab.clv.report import clv_report

            written = clv_report(
                args.file, customer_col=args.customer_col, date_col=args.date_col, amount_col=args.amount_col,
                date_format=args.date_format, calibration_end=args.calibration_end,
                observation_end=args.observation_end, freq=args.freq, horizon=args.horizon,
                annual_discount_rate=args.discount_rate, output=args.output, force=args.force,
                encoding=args.encoding,
            )
            for path in written:
                print(f"wrote {path}")
    except CrmlabError as exc:
        message = str(exc) if args.command != "clv" else in_flags(str(exc))
        print(f"crmlab: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("crmlab: interrupted", file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback: say what failed and where to report it
        print(f"crmlab: error: {type(exc).__name__}: {exc}\n(an unexpected failure of crmlab {args.command}; "
              "please report it with the command you ran)", file=sys.stderr)
        return 2
    return 0


#: Keyword arguments of the Python functions and the ``crmlab clv`` flags that set them.
FLAGS = {
    "date_format": "--date-format", "observation_end": "--observation-end", "calibration_end": "--calibration-end",
    "customer_col": "--customer-col", "date_col": "--date-col", "amount_col": "--amount-col",
    "monetary_col": "--amount-col", "horizon": "--horizon", "discount_rate": "--discount-rate",
    "encoding": "--encoding", "freq": "--freq",
}


def in_flags(message: str) -> str:
    """A message about Python keywords rewritten for the command line (``date_format='%d/%m/%Y'`` ->
    ``--date-format '%d/%m/%Y'``).

    Parameters
    ----------
    message : str
        An error message that may name keyword arguments (``date_format=...``) or bare keyword names
        with an underscore (``observation_end``).

    Returns
    -------
    str
        The message with those names replaced by their flags of :data:`FLAGS`; words such as
        "horizon" or "encoding" in plain prose stay words.

    Examples
    --------
    >>> in_flags("pass the format, e.g. date_format='%d/%m/%Y'")
    "pass the format, e.g. --date-format '%d/%m/%Y'"
    >>> in_flags("calibration_end is after observation_end; move the horizon")
    '--calibration-end is after --observation-end; move the horizon'
    """
    for keyword, flag in FLAGS.items():
        message = re.sub(rf"\b{keyword}=", f"{flag} ", message)
        if "_" in keyword:  # a bare name such as observation_end; plain words (horizon, encoding) stay words
            message = re.sub(rf"(?<![-\w']){keyword}\b(?!')", flag, message)
    return message


def start(directory: Path, edition: str = "student", lang: str = "en") -> None:
    """Copy the notebooks in the given edition, the course map and the data templates into ``directory``.

    The student edition has no solution cells and no stored feedback in the exercise cells; teachers
    ask for ``edition="instructor"``. The printed next step works from a fresh shell: it names the
    JupyterLab of the Python that runs crmlab by its absolute path.

    Parameters
    ----------
    directory : pathlib.Path
        A new or empty folder; it is created with ``notebooks/`` and ``templates/`` inside.
    edition : {"student", "instructor"}, default "student"
        Which edition of the notebooks to copy (:func:`crmlab.course.editions.make_edition`).
    lang : {"en", "zh"}, default "en"
        The language of the notebooks.

    Raises
    ------
    CrmlabError
        When ``directory`` exists and is not empty (nothing is overwritten).

    Examples
    --------
    Copying the course (every notebook of the course) is what ``crmlab start`` does::

        start(Path("my-course"))  # prints "copied ... notebooks (student edition, en) ..." and the next step

    A folder that already holds something is refused before anything is copied:

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "notes.txt").write_text("mine")
    ...     try:
    ...         start(Path(tmp))
    ...     except CrmlabError as error:
    ...         print(str(error).replace(tmp, "DIR"))
    DIR exists and is not empty; choose a new folder so nothing is overwritten
    """
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise CrmlabError(f"{directory} exists and is not empty; choose a new folder so nothing is overwritten")
    from crmlab.course.editions import make_edition
    from crmlab.datasets import DATA_DIR

    (directory / "notebooks").mkdir(parents=True, exist_ok=True)
    for path in course.notebooks():
        nb = nbformat.read(path, as_version=4)
        nbformat.write(make_edition(nb, edition, lang=lang), directory / "notebooks" / path.name)
    shutil.copy2(course.NOTEBOOK_DIR / "course.yaml", directory / "notebooks" / "course.yaml")
    (directory / "templates").mkdir()
    for template in sorted(DATA_DIR.glob("*template*")):
        shutil.copy2(template, directory / "templates" / template.name)
    print(f"copied {len(course.notebooks())} notebooks ({edition} edition, {lang}) and the data templates to "
          f"{directory.resolve()}")
    print(f"next: cd {shlex.quote(str(directory.resolve()))} && {lab_command()} notebooks/")


def lab_command() -> str:
    """A shell command that starts JupyterLab from any shell, without activating a virtual environment.

    The ``jupyter`` script next to the running interpreter (``.venv/bin/jupyter``) by its absolute
    path, else ``<python> -m jupyterlab``; with ``--allow-root`` added only when running as root
    (JupyterLab refuses root otherwise). Token authentication stays on.

    Returns
    -------
    str
        The command, its paths quoted for a POSIX shell.

    Examples
    --------
    >>> command = lab_command().removesuffix(" --allow-root")
    >>> command.endswith((" lab", " -m jupyterlab"))
    True
    """
    script = Path(sys.executable).parent / ("jupyter.exe" if os.name == "nt" else "jupyter")
    if script.is_file() and os.access(script, os.X_OK):
        command = f"{shlex.quote(str(script))} lab"
    else:
        command = f"{shlex.quote(sys.executable)} -m jupyterlab"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command += " --allow-root"
    return command

if __name__ == "__main__":
    sys.exit(main())
