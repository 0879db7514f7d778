"""The crmlab command: CLV on a user's file, start, run with parameters, both editions build and run."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from crmlab import cli, clv, course, datasets
from crmlab.clv.report import rate_per_unit
from crmlab.errors import CrmlabError, CrmlabWarning

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def cdnow_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("cdnow") / "cdnow.csv"
    tx = datasets.load_cdnow_transactions()
    tx.rename(columns={"customer_id": "client", "date": "day", "amount": "spend"}).to_csv(path, index=False)
    return path


def crmlab(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crmlab.cli", *args], capture_output=True, text=True,
                          timeout=600)


def test_clv_on_cdnow_writes_predictions_and_report(cdnow_csv, tmp_path):
    out = tmp_path / "report"
    result = crmlab("clv", str(cdnow_csv), "--customer-col", "client", "--date-col", "day", "--amount-col",
                    "spend", "--calibration-end", "1997-09-30", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "21 exact duplicate transaction row(s) kept" in result.stderr
    predictions = pd.read_csv(out / "predictions.csv", dtype={"customer_id": str}).set_index("customer_id")
    assert len(predictions) == 2357
    assert predictions["p_alive"].between(0, 1).all()
    assert (predictions["clv"] >= 0).all() and predictions["clv"].sum() > 0
    # the file's predictions are the library's, for the model refitted on the whole log
    with pytest.warns(CrmlabWarning, match="21 exact duplicate"):
        tx = datasets.read_transactions(cdnow_csv, "client", "day", "spend")
    summary = clv.rfm_summary(tx, monetary_col="amount", freq="D", freq_multiplier=7)
    model = clv.fit(summary[["frequency", "recency", "T"]], "bgnbd")
    np.testing.assert_allclose(
        predictions["expected_purchases_52W"],
        clv.expected_purchases(model, summary["frequency"], summary["recency"], summary["T"], 52).loc[predictions.index],
        atol=1e-5,
    )
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "holdout MAE per customer" in page
    # the annual rate, converted to weeks and stated both ways; the horizon in years and dates
    weekly = rate_per_unit(0.10, 365.25 / 7)
    assert (1 + weekly) ** (365.25 / 7) == pytest.approx(1.10, rel=1e-12)
    assert f"10.00% a year = {weekly:.4%} a week" in page and "52 weeks = 1.00 years, from 1998-06-30" in page
    assert (out / "report.png").stat().st_size > 20_000


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("transactions_negative_amount.csv", ["--amount-col", "amount"], "negative amount"),
        ("transactions_wrong_customer_column.csv", [], "no column 'customer_id'"),
        ("transactions_unparsable_dates.csv", [], "unparsable date"),
        ("transactions_empty.csv", [], "empty"),
        ("no_such_file.csv", [], "no such file"),
    ],
)
def test_clv_on_malformed_files_exits_2_with_the_reason(name, args, message, tmp_path):
    result = crmlab("clv", str(DATA / name), "--customer-col", "customer_id", "--date-col", "date", *args,
                    "--calibration-end", "2024-01-31", "--output", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.startswith("crmlab: error: ") and message in result.stderr
    assert not (tmp_path / "out").exists()


def test_clv_refuses_a_calibration_end_after_the_data(cdnow_csv, tmp_path):
    result = crmlab("clv", str(cdnow_csv), "--customer-col", "client", "--date-col", "day",
                    "--calibration-end", "1999-01-01", "--output", str(tmp_path / "out"))
    assert result.returncode == 2 and "--calibration-end" in result.stderr


def test_start_copies_the_course_and_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "course"
    assert cli.main(["start", str(target)]) == 0
    copied = sorted(p.name for p in (target / "notebooks").glob("*.ipynb"))
    assert copied == [p.name for p in course.notebooks()]
    assert (target / "notebooks" / "course.yaml").is_file()
    templates = sorted(p.name for p in (target / "templates").iterdir())
    assert "valuechain_template.yaml" in templates and "crm_readiness_template.csv" in templates
    assert cli.main(["start", str(target)]) == 2
    assert "not empty" in capsys.readouterr().err


def _outputs_text(nb) -> str:
    return "\n".join(o.get("text", "") or str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def test_start_hands_out_the_student_edition_and_a_next_step_that_works(tmp_path, capsys):
    target = tmp_path / "my course"
    assert cli.main(["start", str(target)]) == 0
    printed = capsys.readouterr().out
    instructor_feedback = 0
    for source in course.notebooks():
        original = nbformat.read(source, as_version=4)
        copy = nbformat.read(target / "notebooks" / source.name, as_version=4)
        tags = [t for c in copy.cells for t in c.metadata.get("tags", [])]
        assert "solution" not in tags, source.name
        assert "Correct" not in _outputs_text(copy), source.name
        exercises = [c for c in original.cells if "exercise" in c.metadata.get("tags", [])
                     and "lang-zh" not in c.metadata.get("tags", [])]  # the English edition
        assert tags.count("exercise") == len(exercises) >= 3, source.name
        instructor_feedback += "Correct" in _outputs_text(original)
    assert instructor_feedback >= 5  # the stored notebooks do hold "Correct": the check above can fail
    # the next step, run from a fresh shell (no virtual environment on PATH), starts JupyterLab
    line = next(x for x in printed.splitlines() if x.startswith("next: cd "))
    cd_part, command = line[len("next: "):].split(" && ", 1)
    assert Path(shlex.split(cd_part)[1]) == target.resolve()
    argv = shlex.split(command)
    assert argv[-1] == "notebooks/" and Path(argv[0]).is_absolute() and os.access(argv[0], os.X_OK)
    assert ("--allow-root" in argv) == (os.geteuid() == 0)
    version_argv = argv[:argv.index("lab") + 1] if "lab" in argv else argv[:3]
    fresh = subprocess.run([*version_argv, "--version"], capture_output=True, text=True, timeout=120,
                           env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, cwd=target)
    assert fresh.returncode == 0 and fresh.stdout.strip()[:1].isdigit(), fresh.stderr[-2000:]


def test_start_instructor_edition_keeps_the_solutions(tmp_path):
    target = tmp_path / "teacher"
    assert cli.main(["start", str(target), "--edition", "instructor"]) == 0
    copy = nbformat.read(target / "notebooks" / course.notebooks()[4].name, as_version=4)
    assert any("solution" in c.metadata.get("tags", []) for c in copy.cells)
    assert "Correct" in _outputs_text(copy)


def test_run_rejects_unknown_notebooks_and_parameters(capsys):
    assert cli.main(["run", "42"]) == 2
    assert "no course notebook numbered '42'" in capsys.readouterr().err
    assert cli.main(["run", "03", "-p", "no_such_parameter", "1"]) == 2
    assert "has no parameter ['no_such_parameter']" in capsys.readouterr().err


def test_parse_parameter():
    assert course.parse_parameter("None") is None
    assert course.parse_parameter("true") is True
    assert course.parse_parameter("7") == 7 and course.parse_parameter("0.5") == 0.5
    assert course.parse_parameter("1997-09-30") == "1997-09-30"


def test_parse_parameter_reads_lists_and_mappings():
    assert course.parse_parameter("[0, 3, 5, 7]") == [0, 3, 5, 7]
    assert course.parse_parameter("(1, 7)") == [1, 7]
    assert course.parse_parameter('{"Sat": ["s1", "s2"]}') == {"Sat": ["s1", "s2"]}  # JSON
    assert course.parse_parameter("{Sat: [s1, s2], Qual: [q1]}") == {"Sat": ["s1", "s2"], "Qual": ["q1"]}  # YAML
    assert course.parse_parameter("[[Qual, Sat]]") == [["Qual", "Sat"]]
    assert course.parse_parameter("my survey.csv") == "my survey.csv"
    with pytest.raises(CrmlabError, match=r"parameter 'blocks': '\{Sat: \[s1' looks like a list or mapping"):
        course.parse_parameter("{Sat: [s1", "blocks")


def test_run_passes_lists_and_keeps_papermill_quiet(tmp_path):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('levels = [0, 6, 8, 10]  # bins (0, 6] and so on; a = b confuses papermill\n'
                                       'name = "x"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("print(type(levels).__name__, levels, name)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    result = crmlab("run", str(path), "-p", "levels", "[0, 3, 5, 7]", "-p", "name", "y",
                    "--output", str(tmp_path / "out.ipynb"))
    assert result.returncode == 0, result.stderr
    assert "Unable to parse" not in result.stderr and "Passed unknown parameter" not in result.stderr
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert out.cells[-1].outputs[0]["text"] == "list [0, 3, 5, 7] y\n"


def simulated_log(n_customers: int = 300, seed: int = 7) -> pd.DataFrame:
    """A small BG/NBD-like log: customers buy at Poisson rates and drop out after any purchase."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_customers):
        rate = rng.gamma(0.8, 1 / 6)  # purchases per week
        p_drop = rng.beta(1.0, 4.0)
        mean_spend = 60 / rng.gamma(6.0, 1.0) * 5  # customers differ in their average spend
        week = rng.uniform(0, 12)
        while week < 78:
            rows.append((f"c{i:03d}", pd.Timestamp("2023-01-02") + pd.Timedelta(days=7 * week),
                         round(float(rng.gamma(4, mean_spend / 4)), 2)))
            if rng.random() < p_drop:
                break
            week += rng.exponential(1 / rate)
    return pd.DataFrame(rows, columns=["client", "day", "spend"])


def test_run_03_executes_the_notebook_on_a_users_file(tmp_path):
    path = tmp_path / "my_log.csv"
    log = simulated_log()
    log.assign(day=log["day"].dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
    out = tmp_path / "03-mine.ipynb"
    result = crmlab("run", "03", "-p", "transactions", str(path), "-p", "customer_col", "client",
                    "-p", "date_col", "day", "-p", "amount_col", "spend", "-p", "calibration_end", "2023-09-30",
                    "-p", "observation_end", "2024-06-30", "--output", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert str(path) in injected.source and 'customer_col = "client"' in injected.source
    text = "".join(o.get("text", "") for o in outputs)
    customers = log.loc[log["day"] <= "2023-09-30", "client"].nunique()
    assert f"{len(log):,} transactions, {customers:,} customers in the calibration period" in text
