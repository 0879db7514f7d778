"""The CI templates a course can copy: the GitHub workflow and the GitLab pipeline validate against their
schemas (SchemaStore's, vendored in check-jsonschema: nothing is downloaded) and do what the README says:
run `make test`, install Chromium, cache pip, keep the executed notebooks and the site on failure, and run
weekly."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "tests.yml"
GITLAB = ROOT / ".gitlab-ci.yml"


def validate(path: Path, schema: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize(("path", "schema"), [(WORKFLOW, "vendor.github-workflows"), (GITLAB, "vendor.gitlab-ci")],
                         ids=["github", "gitlab"])
def test_templates_validate_against_their_schemas(path, schema):
    result = validate(path, schema)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "validation done" in result.stdout


@pytest.mark.parametrize(
    ("path", "schema", "old", "new", "message"),
    [
        (WORKFLOW, "vendor.github-workflows", "runs-on:", "run-on:", "'runs-on' is a required property"),
        (GITLAB, "vendor.gitlab-ci", "  script:", "  scirpt:", "'scirpt' was unexpected"),
        (GITLAB, "vendor.gitlab-ci", "when: on_failure", "when: on_fail", "'on_fail' is not one of"),
    ],
    ids=["github-typo", "gitlab-typo", "gitlab-bad-value"],
)
def test_the_schema_check_catches_a_broken_template(tmp_path, path, schema, old, new, message):
    broken = tmp_path / path.name
    broken.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    result = validate(broken, schema)
    assert result.returncode != 0 and message in result.stdout + result.stderr


def readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:\w+)?\n(.*?)```", quick, re.S).group(1)
    return [line.strip() for line in block.splitlines() if "test" in line][0]


def test_github_workflow_runs_the_readme_test_command_with_chromium_cache_artifacts_and_a_weekly_run():
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = flow[True]  # YAML 1.1 reads the key `on` as True
    assert {"push", "pull_request", "schedule"} <= set(triggers)
    (cron,) = [entry["cron"] for entry in triggers["schedule"]]
    minute, hour, day, month, weekday = cron.split()
    assert (day, month) == ("*", "*") and re.fullmatch(r"[0-6]", weekday), f"{cron} is not weekly"
    (job,) = flow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    steps = job["steps"]
    runs = [s.get("run", "") for s in steps]
    assert readme_test_command() == "make test" and "make test" in runs
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["cache"] == "pip"
    assert {"pyproject.toml", "requirements/lock.txt"} <= set(python["with"]["cache-dependency-path"].split())
    chromium = next(s for s in steps if s.get("uses", "").startswith("browser-actions/setup-chrome@"))
    assert chromium["with"]["install-chromedriver"] is True
    # the browser test looks for `chromium` and `chromedriver` on the PATH (tests/course/test_browser.py)
    link = next(r for r in runs if "/usr/local/bin/chromium" in r)
    assert "chromedriver-path" in link and "/usr/local/bin/chromedriver" in link
    test_step = runs.index("make test")
    assert test_step > steps.index(chromium)
    after = steps[test_step + 1:]
    assert after and all(s.get("if") == "failure()" for s in after)
    assert any("crmlab build --output _build/site" in s.get("run", "") for s in after)
    upload = next(s for s in after if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert "_build/site/" in upload["with"]["path"].split()


def test_gitlab_pipeline_runs_the_readme_test_command_with_chromium_cache_artifacts_and_schedules():
    pipeline = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    job = pipeline["test"]
    assert job["image"].startswith("python:3.11")
    assert any("apt-get install" in line and "chromium chromium-driver" in line for line in job["before_script"])
    (script,) = job["script"]
    assert script.startswith("make test ||") and script.rstrip().endswith("exit 1; }")
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in job["rules"]
    assert job["variables"]["PIP_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/pip"
    assert job["cache"]["paths"] == [".cache/pip"]
    assert set(job["cache"]["key"]["files"]) == {"pyproject.toml", "requirements/lock.txt"}
    assert job["artifacts"]["when"] == "on_failure" and "_build/site/" in job["artifacts"]["paths"]


def test_the_failure_step_runs_in_a_shell():
    """The GitLab fallback is valid shell: bash parses it (-n) as the job would run it."""
    (script,) = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["test"]["script"]
    result = subprocess.run(["bash", "-n", "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
