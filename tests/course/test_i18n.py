"""The course in two languages from one source: every prose cell paired, every text a student reads in
Chinese, the glossary's terms used, feedback in the edition's language, figures from one label table."""

import re

import nbformat
import pytest

from crmlab import course
from crmlab.course import i18n, translation
from crmlab.course.exercises import MESSAGES, ask, check, exercises, hint, precision_text, questions, reset_hints
from crmlab.course.i18n import tr

NOTEBOOKS = course.notebooks()
IDS = [p.name for p in NOTEBOOKS]


@pytest.fixture
def chinese():
    i18n.set_language("zh")
    reset_hints()
    yield
    i18n.set_language("en")
    reset_hints()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_markdown_cell_has_its_counterpart_in_the_other_language(path):
    problems = i18n.pairing_problems(nbformat.read(path, as_version=4))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_pair_changed_in_one_language_only(path):
    """Each Chinese cell stores the fingerprint of its pair as last reviewed: editing either text alone
    fails here until the other language follows and the pair is stamped again."""
    problems = i18n.drift_problems(nbformat.read(path, as_version=4))
    assert not problems, "\n".join(problems)


def test_a_change_to_one_language_is_caught():
    nb = nbformat.read(NOTEBOOKS[1], as_version=4)
    assert not i18n.drift_problems(nb)
    english = next(c for c in nb.cells if i18n.cell_language(c) == "en")
    english.source += " An added English sentence."
    assert len(i18n.drift_problems(nb)) == 1
    i18n.stamp_pairs(nb)
    assert not i18n.drift_problems(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_chinese_prose_uses_the_glossary_terms(path):
    problems = i18n.glossary_problems(nbformat.read(path, as_version=4), translation.glossary_terms())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_chinese_exercise_statements_state_the_precision_in_chinese(path):
    problems = translation.statement_problems(nbformat.read(path, as_version=4))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("number", sorted({p.name[:2] for p in NOTEBOOKS}))
def test_every_exercise_and_question_text_is_in_both_languages(number):
    problems = translation.exercise_text_problems(number)
    assert not problems, "\n".join(problems)


def test_every_feedback_message_is_in_both_languages():
    for key, text in MESSAGES.items():
        assert set(text) == {"en", "zh"} and text["zh"].strip(), key
        words = re.sub(r"{[^}]*}", "", text["en"])
        assert i18n.is_chinese(text["zh"]) or not i18n.needs_translation(words), key
        # the Chinese fills the same fields (the English plural "s" has no Chinese)
        assert set(re.findall(r"{(\w+)", text["zh"])) | {"s"} >= set(re.findall(r"{(\w+)", text["en"])), key


def test_check_hint_and_ask_answer_in_the_language_of_the_edition(chinese):
    ex_id = sorted(exercises())[0]
    ex = exercises()[ex_id]
    assert repr(check(ex_id, None)).startswith(f"[{ex_id}] 尚未答对: 还没有作答")
    right = check(ex_id, ex.expected())
    assert right and right.message == "答对了，做得好。"
    first = hint(ex_id)
    assert first.text == tr(ex.all_hints[0], "zh") and f"提示 1/{len(ex.all_hints)}" in repr(first)
    for wrong, diagnosis in ex.mistakes:
        assert check(ex_id, wrong()).message == diagnosis["zh"]
    q = questions()[sorted(questions())[0]]
    letter = q.letters[[o.correct for o in q.options].index(True)]
    assert ask(q.id, letter).message == f"({letter}) {q.options[q.letters.index(letter)].explanation['zh']}"
    assert "不是选项" in ask(q.id, "z").message


def test_generic_diagnoses_in_chinese(chinese):
    from crmlab.course.exercises import compare

    assert compare(-2.0, 2.0) == "大小对了，符号错了。"
    assert compare(200.0, 2.0) == "你的答案大了 100 倍：题目要比例，你给的是百分数吗？"
    assert compare(2.2, 2.0) == "你的答案 2.2 偏高 10.0%。"


def test_precision_text_in_both_languages():
    for ex_id, ex in exercises().items():
        en, zh = precision_text(ex_id, "en"), precision_text(ex_id, "zh")
        assert en and zh and i18n.is_chinese(zh) and not i18n.is_chinese(en), ex_id
        if ex.decimals:
            assert f"保留 {ex.decimals} 位小数" in zh and f"to {ex.decimals} decimal" in en


def test_editions_keep_one_language_and_set_it_in_the_setup_cell():
    from crmlab.course.editions import make_edition

    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for lang, other in (("en", "zh"), ("zh", "en")):
            edition = make_edition(nb, "student", lang=lang)
            assert not [c for c in edition.cells if i18n.cell_language(c) == other]
            setup_cell = next(c for c in edition.cells if c.cell_type == "code" and "setup(" in c.source)
            assert ('setup(lang="zh")' in setup_cell.source) == (lang == "zh")


def test_label_table_translates_exact_texts_and_patterns(tmp_path):
    table = tmp_path / "labels.csv"
    table.write_text("en,zh,notebook\nWeeks since first purchase,首次购买后的周数,03\nk = {},k = {},06\n"
                     "Top {} of customers ({}),前 {} 的客户（{}）,01\n", encoding="utf-8")
    assert i18n.translate_label("Weeks since first purchase", table) == "首次购买后的周数"
    assert i18n.translate_label("Top 20% of customers (US$)", table) == "前 20% 的客户（US$）"
    assert i18n.translate_label("Weeks", table) is None


def test_figures_are_translated_from_the_label_table(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = tmp_path / "labels.csv"
    table.write_text("en,zh,notebook\nRetention,留存率,01\nYear,年份,01\nSurvival (share),存活比例,01\n",
                     encoding="utf-8")
    fig, ax = plt.subplots()
    ax.plot([1, 2], [0.5, 0.4], label="Survival (share)")
    ax.set_title("Retention")
    ax.set_xlabel("Year")
    ax.set_ylabel("Untranslated axis")
    ax.legend()
    missing = i18n.translate_figure(fig, table)
    assert missing == ["Untranslated axis"]
    assert (ax.get_title(), ax.get_xlabel()) == ("留存率", "年份")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["存活比例"]
    plt.close(fig)


def test_text_tick_labels_stay_translated_when_the_figure_is_drawn_again(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = tmp_path / "labels.csv"
    table.write_text("en,zh,notebook\nvision,愿景,05\nstrategy,战略,05\nShare of firms,企业占比,05\n", encoding="utf-8")
    fig, ax = plt.subplots()
    ax.barh(["vision", "strategy", "IT"], [0.2, 0.5, 0.1])
    ax.set_xlabel("Share of firms")
    limits = ax.get_ylim()
    assert i18n.translate_figure(fig, table) == []
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["愿景", "战略", "IT"]
    assert ax.get_xlabel() == "企业占比" and ax.get_ylim() == limits
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "0.0"  # numbers untouched
    plt.close(fig)


def test_every_label_row_is_unique_and_chinese():
    import csv

    with i18n.LABELS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    seen = [r["en"] for r in rows]
    assert len(seen) == len(set(seen)), "a figure text listed twice in labels.csv"
    assert all(i18n.is_chinese(r["zh"]) or not i18n.needs_translation(r["en"]) for r in rows)


def test_without_a_cjk_font_figures_keep_english_with_a_warning(monkeypatch):
    from crmlab.errors import CrmlabWarning

    monkeypatch.setattr(i18n, "cjk_font", lambda: None)
    with pytest.warns(CrmlabWarning, match="fonts-noto-cjk"):
        assert i18n.use_cjk_font() is False


def test_unknown_language_is_refused_by_name():
    from crmlab.errors import CrmlabError

    with pytest.raises(CrmlabError, match="lang must be one of en, zh"):
        i18n.set_language("fr")
