"""The teaching plans of notebooks/course.yaml: a 6-week module and a 2-day workshop, checked against the
course map and the exercise registry, and rendered on the site's index."""

import shutil

import pytest
import yaml

from crmlab import course
from crmlab.course import site
from crmlab.errors import CrmlabError
from crmlab.course.exercises import exercises

CORE = ["00", "01", "02", "03", "04", "05", "06"]


@pytest.fixture(scope="module")
def plans():
    return site.schedules()


def test_two_plans_a_six_week_module_and_a_two_day_workshop(plans):
    assert list(plans["schedule"].unique()) == ["six-week-module", "two-day-workshop"]
    module = plans[plans["schedule"] == "six-week-module"]
    workshop = plans[plans["schedule"] == "two-day-workshop"]
    assert list(module["session"]) == [1, 2, 3, 4, 5, 6] and module["minutes"].sum() == 6 * 180
    assert list(workshop["session"]) == [1, 2, 3, 4] and workshop["minutes"].sum() == 4 * 210


def test_the_module_teaches_every_core_notebook_and_exercise_and_grades_each_once(plans):
    module = plans[plans["schedule"] == "six-week-module"]
    taught = {n for ns in module["notebooks"] for n in ns}
    assert set(CORE) <= taught
    worked = {e for ids in module["exercises"] for e in ids}
    assert {k for k in exercises() if k[:2] in CORE} <= worked
    graded = [g for gs in module["grade"] for g in gs]
    stems = {p.stem for p in course.notebooks() if p.name[:2] in CORE}
    assert sorted(graded) == sorted(stems)  # every core notebook graded exactly once


def test_sessions_are_consistent_with_the_course_map(plans):
    cmap = site.course_map()
    for _, s in plans.iterrows():
        assert all(e[:2] in s["notebooks"] for e in s["exercises"])
        assert s["study_minutes"] == sum(cmap.loc[n, "minutes"] for n in s["notebooks"])
        if s["exercises"]:  # a teaching session fits the notebooks' study time
            assert s["study_minutes"] <= s["minutes"], s["name"]
    # "all" expands to the registry: week 3 works every exercise of notebook 03
    week3 = plans[(plans["schedule"] == "six-week-module") & (plans["session"] == 3)].iloc[0]
    assert week3["exercises"] == sorted(k for k in exercises() if k.startswith("03."))


def test_the_index_page_renders_the_plans(plans):
    cmap = site.course_map()
    page = site.index_page(cmap, "<header></header>", "instructor", plans)
    assert '<h2 id="teaching-plans">Teaching plans</h2>' in page
    assert '<h3 id="plan-six-week-module">A 6-week module</h3>' in page
    assert "6 sessions, 18 hours in all" in page and "4 sessions, 14 hours in all" in page
    week3 = plans[(plans["schedule"] == "six-week-module") & (plans["session"] == 3)].iloc[0]
    assert ", ".join(week3["exercises"]) in page
    assert '<a href="03_bgnbd_lifetime_estimation.html">03</a>' in page
    assert "<code>03_bgnbd_lifetime_estimation</code>" in page
    assert "none (practice on your own data)" in page  # week 6 works no new exercise


@pytest.fixture
def small_course(tmp_path):
    shutil.copy(course.NOTEBOOK_DIR / "00_start_here.ipynb", tmp_path)
    return tmp_path


def write_plan(directory, session):
    (directory / "course.yaml").write_text(
        "schedules:\n- id: p\n  title: P\n  sessions:\n  - " + session.replace("\n", "\n    ")
        + "\nnotebooks:\n- notebook: 00_start_here.ipynb\n  minutes: 30\n  prerequisites: [none]\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    ("session", "message"),
    [
        ('name: a\nnotebooks: ["03"]\nminutes: 60', r"notebooks \['03'\] are not in the course map \['00'\]"),
        ('name: a\nnotebooks: ["00"]\nexercises: ["01.1"]\nminutes: 60',
         r"exercises \['01.1'\] are not registered exercises of notebooks \['00'\]"),
        ('name: a\nnotebooks: ["00"]\nminutes: 0', "minutes must be a positive whole number, not 0"),
        ('name: a\nnotebooks: []\nminutes: 60\ngrade: [00_start_here]', r"cannot grade \['00_start_here'\] here"),
    ],
    ids=["unknown-notebook", "foreign-exercise", "no-time", "graded-before-taught"],
)
def test_a_wrong_plan_is_refused_with_the_session_named(small_course, session, message):
    write_plan(small_course, session)
    with pytest.raises(CrmlabError, match=message) as err:
        site.schedules(small_course)
    assert "schedule 'p', session 1 ('a')" in str(err.value)


def test_a_plan_in_order_and_the_earlier_list_layout(small_course):
    write_plan(small_course, 'name: a\nnotebooks: ["00"]\nexercises: all\nminutes: 60\ngrade: [00_start_here]')
    (row,) = site.schedules(small_course).to_dict("records")
    assert row["exercises"] == sorted(k for k in exercises() if k.startswith("00."))
    assert row["study_minutes"] == 30 and row["grade"] == ["00_start_here"]
    (small_course / "course.yaml").write_text(
        "- notebook: 00_start_here.ipynb\n  minutes: 30\n  prerequisites: [none]\n", encoding="utf-8")
    assert list(site.course_map(small_course)["notebook"]) == ["00_start_here.ipynb"]
    assert site.schedules(small_course).empty


@pytest.mark.parametrize("key, where, value", [
    ("prerequisites_zh", "notebook", "客户价值"),            # a text where a list is translated
    ("prerequisites_zh", "notebook", ["01"]),                # one item short
    ("name_zh", "session", ["第 1 周"]),                      # a list where a text is translated
    ("title_zh", "schedule", "   "),                         # empty
])
def test_a_chinese_sibling_must_have_the_shape_of_its_english_key(tmp_path, key, where, value):
    data = yaml.safe_load((course.NOTEBOOK_DIR / "course.yaml").read_text(encoding="utf-8"))
    target = {"notebook": data["notebooks"][3], "schedule": data["schedules"][0],
              "session": data["schedules"][0]["sessions"][0]}[where]
    target[key] = value
    (tmp_path / "course.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CrmlabError, match=rf"{key} = .* must be a"):
        site.read_course_yaml(tmp_path)
