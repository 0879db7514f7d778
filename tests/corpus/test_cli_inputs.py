"""The ``crmlab`` command on bad flags: exit status 2, one short message naming the flag, no traceback,
and nothing written. Flags and the output folder are checked before the log is read or a model fitted."""

from __future__ import annotations

import pandas as pd
import pytest

from crmlab import cli

LOG = pd.DataFrame({"client": ["a", "a", "b", "b", "c"],
                    "day": ["2024-01-01", "2024-02-01", "2024-01-05", "2024-03-01", "2024-01-09"],
                    "spend": [10.0, 12.0, 5.0, 6.0, 7.0]})


@pytest.fixture()
def log_csv(tmp_path):
    path = tmp_path / "log.csv"
    LOG.to_csv(path, index=False)
    return path


def clv_args(log_csv, tmp_path, *extra: str) -> list[str]:
    return ["clv", str(log_csv), "--customer-col", "client", "--date-col", "day", "--amount-col", "spend",
            "--calibration-end", "2024-01-31", "--output", str(tmp_path / "out"), *extra]


CASES = {
    "horizon nan": (["--horizon", "nan"], ["--horizon", "finite number"]),
    "horizon inf": (["--horizon", "inf"], ["--horizon", "finite number"]),
    "horizon negative": (["--horizon", "-1"], ["--horizon", ">= 1"]),
    "horizon fraction": (["--horizon", "2.5"], ["--horizon", "whole number of weeks"]),
    "horizon centuries": (["--horizon", "100000"], ["--horizon", "<= 5218"]),
    "discount nan": (["--discount-rate", "nan"], ["--discount-rate", "finite number"]),
    "discount negative": (["--discount-rate", "-0.1"], ["--discount-rate", ">= 0"]),
    "discount 500%": (["--discount-rate", "5"], ["--discount-rate", "<= 1"]),
    "date format %Q": (["--date-format", "%Q"], ["--date-format", "unknown directive %Q"]),
    "calibration end soon": (["--calibration-end", "soon"], ["--calibration-end", "not a date"]),
    "observation end before calibration end": (["--observation-end", "2024-01-15"],
                                               ["--observation-end", "must be after", "--calibration-end"]),
    "observation end text": (["--observation-end", "later"], ["--observation-end", "not a date"]),
    "unknown encoding": (["--encoding", "klingon"], ["--encoding", "klingon", "not a known text encoding"]),
    "wrong column": (["--customer-col", "customer"], ["no column 'customer'", "'client'"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_flags_exit_2_naming_the_flag(case, log_csv, tmp_path, capsys):
    extra, words = CASES[case]
    assert cli.main(clv_args(log_csv, tmp_path, *extra)) == 2
    err = capsys.readouterr().err
    assert err.startswith("crmlab: error: ") and "Traceback" not in err
    for word in words:
        assert word in err, (word, err)
    assert not (tmp_path / "out").exists()


def test_output_that_is_a_file(log_csv, tmp_path, capsys):
    (tmp_path / "out").write_text("not a folder")
    assert cli.main(clv_args(log_csv, tmp_path)) == 2
    assert "--output" in capsys.readouterr().err and (tmp_path / "out").read_text() == "not a folder"


def test_output_inside_a_file(log_csv, tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    args = clv_args(log_csv, tmp_path)
    args[args.index("--output") + 1] = str(tmp_path / "file" / "out")
    assert cli.main(args) == 2
    assert "inside the file" in capsys.readouterr().err


def test_earlier_results_are_kept_without_force(log_csv, tmp_path, capsys):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "predictions.csv").write_text("earlier")
    assert cli.main(clv_args(log_csv, tmp_path)) == 2
    err = capsys.readouterr().err
    assert "already holds earlier results (predictions.csv)" in err and "--force" in err
    assert (tmp_path / "out" / "predictions.csv").read_text() == "earlier"


def test_a_missing_file(tmp_path, capsys):
    assert cli.main(clv_args(tmp_path / "nothing.csv", tmp_path)) == 2
    assert "no such file" in capsys.readouterr().err


def test_an_unknown_freq_is_refused_by_the_parser(log_csv, tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(clv_args(log_csv, tmp_path, "--freq", "Y"))
    assert info.value.code == 2 and "--freq" in capsys.readouterr().err


def test_run_output_that_is_a_folder_or_exists(tmp_path, capsys):
    assert cli.main(["run", "03", "--output", str(tmp_path)]) == 2
    assert "--output" in capsys.readouterr().err
    existing = tmp_path / "done.ipynb"
    existing.write_text("{}")
    assert cli.main(["run", "03", "--output", str(existing)]) == 2
    assert "exists" in capsys.readouterr().err and existing.read_text() == "{}"
    assert cli.main(["run", "03", "--output", str(tmp_path / "no" / "such" / "x.ipynb")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_messages_speak_in_flags():
    assert cli.in_flags("pass date_format='%d/%m/%Y' or move observation_end later") == (
        "pass --date-format '%d/%m/%Y' or move --observation-end later")
    assert cli.in_flags("column 'date': missing date") == "column 'date': missing date"
