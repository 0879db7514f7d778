"""The course site: course map, editions, rendering (offline, MathML, navigation), glossary."""

import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from crmlab import course, datasets
from crmlab.course import i18n, site
from crmlab.errors import CrmlabError


def test_course_map_covers_every_notebook_with_objectives():
    cmap = site.course_map()
    assert list(cmap["notebook"]) == [p.name for p in course.notebooks()]
    assert len(cmap) == 7
    for number, row in cmap.iterrows():
        assert row["title"] and row["minutes"] > 0, number
        assert len(row["objectives"]) >= 3, f"notebook {number} lists fewer than 3 learning objectives"


def test_objectives_keep_wrapped_lines():
    nb = new_notebook(cells=[new_markdown_cell(
        "# T\n\n## Learning objectives\n\n"
        "- Declare a questionnaire and check answers for\n  out-of-range values and missing data.\n"
        "- Estimate the model\nby PLS.\n"
        "1. Numbered items\n   wrap too.\n\n"
        "A paragraph after the list is not an objective.\n\n## Next section\n- not an objective"
    )])
    assert site.learning_objectives(nb) == [
        "Declare a questionnaire and check answers for out-of-range values and missing data.",
        "Estimate the model by PLS.",
        "Numbered items wrap too.",
    ]


@pytest.mark.parametrize("path", course.notebooks(), ids=lambda p: p.name[:2])
def test_no_notebook_objective_loses_a_line(path):
    """Every non-blank line of the objectives list ends up in some objective, in order."""
    nb = nbformat.read(path, as_version=4)
    section = next(m.group(1) for c in nb.cells if c.cell_type == "markdown"
                   for m in [re.search(r"^#+\s*Learning objectives\s*$(.*?)(?=^#|\Z)", c.source, re.M | re.S | re.I)]
                   if m)
    words = " ".join(re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line).strip()
                     for line in section.splitlines() if line.strip())
    objectives = site.learning_objectives(nb)
    assert " ".join(objectives) == words, path.name
    assert all(o.rstrip().endswith((".", ")")) for o in objectives), f"{path.name}: an objective is cut short"


def test_course_map_names_only_catalogued_datasets():
    from crmlab import datasets

    known = set(datasets.catalogue().index)
    for number, row in site.course_map().iterrows():
        assert set(row["data"]) <= known, f"notebook {number}: {set(row['data']) - known} not in the catalogue"


def _exercise_notebook():
    q = new_markdown_cell("**Exercise 1.** Compute it.")
    q.metadata["tags"] = ["exercise"]
    ex = new_code_cell("answer = None")
    ex.metadata["tags"] = ["exercise"]
    ex.outputs = [nbformat.v4.new_output("stream", text="Not yet")]
    ex.execution_count = 3
    sol_md = new_markdown_cell("**Solution 1.**")
    sol_md.metadata["tags"] = ["solution"]
    sol = new_code_cell("answer = 42")
    sol.metadata["tags"] = ["solution"]
    return new_notebook(cells=[new_markdown_cell("# T"), q, ex, sol_md, sol])


def test_student_edition_drops_solutions_and_exercise_outputs():
    nb = _exercise_notebook()
    student = site.make_edition(nb, "student")
    assert [c.source for c in student.cells] == ["# T", "**Exercise 1.** Compute it.", "answer = None"]
    assert student.cells[2].outputs == [] and student.cells[2].execution_count is None
    instructor = site.make_edition(nb, "instructor")
    assert len(instructor.cells) == 5 and instructor.cells[2].outputs
    assert len(nb.cells) == 5  # the source notebook is untouched
    with pytest.raises(CrmlabError, match="unknown edition"):
        site.make_edition(nb, "teacher")


def test_every_course_notebook_tags_its_solutions():
    for path in course.notebooks():
        nb = nbformat.read(path, as_version=4)
        tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
        assert tags.count("solution") >= 3, path.name
        assert tags.count("exercise") >= 3, path.name
        student = site.make_edition(nb, "student")
        assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)


def test_mathml_replaces_dollar_math_in_markdown_only():
    page = ('<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown" data-mime-type="text/markdown">'
            "<p>CLV $m r/(1+i-r)$ and</p>$$x_{t}^2$$</div><pre>costs $5 and $6</pre>")
    out = site.mathml(page)
    assert out.count("<math") == 2 and 'display="block"' in out
    assert "<pre>costs $5 and $6</pre>" in out
    assert "$" not in out.split("<pre>")[0]
    heading = ('<div class="jp-RenderedMarkdown"><h2 id="From-a-log-to-$(x,-t_x)$">From a log to $(x, t_x)$'
               '<a class="anchor-link" href="#From-a-log-to-$(x,-t_x)$">¶</a></h2></div>')
    out = site.mathml(heading)
    assert 'id="From-a-log-to-$(x,-t_x)$"' in out and 'href="#From-a-log-to-$(x,-t_x)$"' in out
    assert out.count("<math") == 1


def test_table_of_contents_nests_h3_under_h2():
    page = '<h2 id="A">A<a class="anchor-link" href="#A">¶</a></h2><h3 id="B">B</h3><h2 id="C">C</h2>'
    toc = site.table_of_contents(page)
    assert toc == ('<strong>Contents</strong><ul><li><a href="#A">A</a></li><ul><li><a href="#B">B</a></li>'
                   '</ul><li><a href="#C">C</a></li></ul>')


def test_glossary_is_bilingual_and_links_notebooks():
    glossary = datasets.load_glossary()
    assert len(glossary) >= 30
    assert glossary["term_zh"].str.len().gt(0).all() and glossary["definition"].str.len().gt(0).all()
    for term in ("客户关系管理", "客户价值", "价值链", "客户生命周期价值", "客户满意度", "触点", "业务流程再造"):
        assert term in set(glossary["term_zh"]), term
    numbers = {p.name[:2] for p in course.notebooks()}
    assert set(glossary["notebook"]) <= numbers
    # every notebook links to the glossary
    for path in course.notebooks():
        text = "".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
        assert "glossary" in text.lower(), f"{path.name} does not point to the glossary"


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    site.build(out, execute=False, progress=False)
    return out


def test_site_has_every_page_and_links(built_site):
    index = (built_site / "index.html").read_text(encoding="utf-8")
    for path in course.notebooks():
        page = built_site / path.with_suffix(".html").name
        assert page.is_file()
        assert f'href="{page.name}"' in index
        assert (built_site / "notebooks" / path.name).is_file()
    assert (built_site / "glossary.html").is_file()


def test_site_pages_are_offline_with_figures_and_navigation(built_site):
    pages = sorted(built_site.glob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', text), f"{page.name} loads from the web"
        assert "@import url(http" not in text
    for path in course.notebooks():
        text = (built_site / path.with_suffix(".html").name).read_text(encoding="utf-8")
        assert re.search(r'<img [^>]*src="data:image/png;base64,', text), f"{path.name} has no figure"
        assert 'class="crmlab-toc"' in text and "<strong>Contents</strong>" in text
        assert 'rel="next"' in text and 'rel="prev"' in text
        assert "<math" in text or "$" not in text


def test_every_figure_has_alternative_text(built_site):
    for page in built_site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<img (?![^>]*\balt=)", text), page.name


def test_student_edition_builds_and_executes_cleanly_in_both_languages(tmp_path):
    """Every notebook without its solutions still runs top to bottom, in English and in Chinese:
    exercises answer "no answer yet" in the edition's language, and every figure text has its Chinese."""
    from crmlab.course.notebook import FIGURE_WARNING

    site.build(tmp_path, edition="student", execute=True, progress=False)
    for lang, folder, no_answer in (("en", tmp_path, "no answer yet"), ("zh", tmp_path / "zh", "还没有作答")):
        for path in course.notebooks():
            nb = nbformat.read(folder / "notebooks" / path.name, as_version=4)
            assert not [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
            outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
            assert not [o for o in outputs if o.output_type == "error"], (lang, path.name)
            warned = [o.get("text", "") for o in outputs if FIGURE_WARNING in o.get("text", "")]
            assert not warned, (lang, path.name, warned)
            exercise_outputs = [
                str(o.get("data", {}).get("text/plain", "")) + o.get("text", "")
                for c in nb.cells if "exercise" in c.metadata.get("tags", []) and c.cell_type == "code"
                for o in c.outputs
            ]
            assert exercise_outputs and all(no_answer in text for text in exercise_outputs), (lang, path.name)
            demonstrated = ["".join(o.get("text", "") for o in c.outputs)
                            for c in nb.cells if c.cell_type == "code" and "translate_message(" in c.source]
            assert all(i18n.is_chinese(text) == (lang == "zh") for text in demonstrated), (lang, path.name)
            assert (folder / path.with_suffix(".html").name).is_file()


def test_both_languages_with_a_switch_on_every_page(built_site):
    zh = built_site / "zh"
    english = sorted(p.name for p in built_site.glob("*.html"))
    assert sorted(p.name for p in zh.glob("*.html")) == english
    for name in english:
        en_page = (built_site / name).read_text(encoding="utf-8")
        zh_page = (zh / name).read_text(encoding="utf-8")
        assert f'href="zh/{name}"' in en_page and '<html lang="en"' in en_page, name
        assert f'href="../{name}"' in zh_page and '<html lang="zh-Hans"' in zh_page, name
    index = (zh / "index.html").read_text(encoding="utf-8")
    assert "课程地图" in index and "学习目标" in index and "术语表" in index
    for path in course.notebooks():
        nb = nbformat.read(zh / "notebooks" / path.name, as_version=4)
        assert not [c for c in nb.cells if "lang-en" in c.metadata.get("tags", [])], path.name


def test_chinese_course_map_reads_the_chinese_cells():
    cmap = site.course_map(lang="zh")
    english = site.course_map(lang="en")
    assert list(cmap.index) == list(english.index)
    for number in cmap.index:
        assert i18n.is_chinese(cmap.loc[number, "title"]), number
        assert len(cmap.loc[number, "objectives"]) == len(english.loc[number, "objectives"]), number
        assert all(i18n.is_chinese(o) for o in cmap.loc[number, "objectives"]), number
    plans = site.schedules(lang="zh")
    assert all(i18n.is_chinese(t) for t in plans["title"]) and all(i18n.is_chinese(n) for n in plans["name"])
