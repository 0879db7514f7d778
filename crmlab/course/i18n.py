"""The course in two languages: English and Chinese (简体中文) from the same notebooks.

One source, two languages:

* **Notebook prose.** Every markdown cell is tagged ``lang-en`` and is immediately followed by its
  Chinese counterpart, tagged ``lang-zh``. An edition in one language drops the other's cells
  (:func:`crmlab.course.editions.make_edition`), so the two texts sit side by side in the source and
  cannot drift apart unnoticed: :func:`pairing_problems` lists a cell without its counterpart.
* **Texts printed by crmlab** (exercise statements, ``check()`` feedback, hints, questions): a text is
  either a plain English string or a mapping ``{"en": ..., "zh": ...}``; :func:`tr` picks the current
  language.
* **Figures.** Plot code stays English; when a notebook runs in Chinese, every text of a figure is
  looked up in one label table, ``labels.csv`` beside this module (:func:`translate_figure`), and drawn
  in a CJK font (Noto Sans CJK, Debian package ``fonts-noto-cjk``). Without that font, figures keep
  their English labels and a :class:`~crmlab.errors.CrmlabWarning` says why.

The language of a running notebook is set by its first code cell, ``setup(lang="zh")``.

Run ``python -m crmlab.course.i18n notebooks/NN_name.ipynb`` to check one notebook's Chinese edition:
pairs, glossary terms, untranslated cells and figure texts, and errors when it executes.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, Union

import nbformat
from nbconvert.preprocessors import TagRemovePreprocessor

from crmlab.errors import CrmlabError, CrmlabWarning

Language = Literal["en", "zh"]
#: The languages of the course: English first (the source language of the code), then Chinese.
LANGUAGES: tuple[Language, ...] = ("en", "zh")
#: Names of the languages, in themselves (for the site's language switch).
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
#: Tag of a markdown cell written in ``lang``.
TAG_PREFIX = "lang-"
#: The figure label table: ``en``, ``zh``, ``notebook``.
LABELS = Path(__file__).with_name("labels.csv")
#: Font families tried, in order, for Chinese figure text.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC", "WenQuanYi Zen Hei")

#: A text in one or both languages.
Text = Union[str, Mapping[str, str]]

_CURRENT: dict[str, Language] = {"lang": "en"}
_CJK = re.compile(r"[\u3400-\u9fff]")
#: Function names of formulas, drawn as they are ("BIC (−2 log L + p log n)").
_MATH_WORDS = frozenset({"log", "ln", "exp", "max", "min", "sin", "cos", "tan", "var", "sd", "se"})
_WORD = re.compile(r"\b(?=[A-Za-z]*[a-z])[A-Za-z]{2,}\b")


def tag(lang: Language) -> str:
    """The cell tag of a language: ``tag("zh") == "lang-zh"``.

    Parameters
    ----------
    lang
        ``"en"`` or ``"zh"``.

    Returns
    -------
    str
        ``"lang-<lang>"``.

    Examples
    --------
    >>> tag("zh")
    'lang-zh'
    """
    return TAG_PREFIX + check_language(lang)


def check_language(lang: object) -> Language:
    """``lang`` itself when it is one of :data:`LANGUAGES`, else a :class:`~crmlab.errors.CrmlabError`.

    Parameters
    ----------
    lang
        A language code.

    Returns
    -------
    str
        ``"en"`` or ``"zh"``.

    Examples
    --------
    >>> check_language("zh")
    'zh'
    """
    if lang not in LANGUAGES:
        raise CrmlabError(f"lang must be one of {', '.join(LANGUAGES)} (English, Chinese), not {lang!r}")
    return lang  # type: ignore[return-value]


def set_language(lang: Language) -> None:
    """Make ``lang`` the language of every text crmlab prints from now on (``check()``, hints, labels).

    Parameters
    ----------
    lang
        ``"en"`` or ``"zh"``.

    Examples
    --------
    >>> set_language("zh"); language()
    'zh'
    >>> set_language("en")
    """
    _CURRENT["lang"] = check_language(lang)


def language() -> Language:
    """The current language (``"en"`` until :func:`set_language` says otherwise).

    Returns
    -------
    str
        ``"en"`` or ``"zh"``.

    Examples
    --------
    >>> language()
    'en'
    """
    return _CURRENT["lang"]


def tr(text: Text, lang: Language | None = None) -> str:
    """``text`` in ``lang`` (default: the current language).

    Parameters
    ----------
    text
        A plain string (English, or language-neutral) or a mapping with one entry per language.
    lang
        The language wanted; ``None`` means :func:`language`.

    Returns
    -------
    str
        The entry for ``lang``; a plain string is returned as it is. A mapping without ``lang`` falls
        back to English.

    Examples
    --------
    >>> tr({"en": "customer value", "zh": "客户价值"}, "zh")
    '客户价值'
    >>> tr("CLV", "zh")
    'CLV'
    """
    if isinstance(text, str):
        return text
    if not isinstance(text, Mapping) or "en" not in text:
        raise CrmlabError(f"a course text is a string or a mapping with an 'en' entry, not {text!r}")
    return text.get(lang or language(), text["en"])


def has_all_languages(text: Text) -> bool:
    """Whether ``text`` is a mapping with a non-empty entry for every language; the Chinese entry must
    contain Chinese characters.

    Parameters
    ----------
    text
        A course text.

    Returns
    -------
    bool

    Examples
    --------
    >>> has_all_languages({"en": "weeks", "zh": "周"}), has_all_languages("weeks")
    (True, False)
    """
    return (isinstance(text, Mapping) and all(str(text.get(lang, "")).strip() for lang in LANGUAGES)
            and is_chinese(text["zh"]))


def is_chinese(text: str) -> bool:
    """Whether ``text`` contains Chinese characters.

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_chinese("价值链 (value chain)"), is_chinese("value chain")
    (True, False)
    """
    return bool(_CJK.search(text))


# ---------------------------------------------------------------------------------------------------
# Notebook cells


def cell_language(cell: Mapping) -> Language | None:
    """The language a cell is tagged with, or ``None`` for a language-neutral cell (code, untagged).

    Parameters
    ----------
    cell
        A notebook cell (nbformat node or dict).

    Returns
    -------
    str or None

    Examples
    --------
    >>> cell_language({"cell_type": "markdown", "metadata": {"tags": ["exercise", "lang-zh"]}})
    'zh'
    """
    tags = [t for t in cell.get("metadata", {}).get("tags", []) if t.startswith(TAG_PREFIX)]
    for lang in LANGUAGES:
        if tag(lang) in tags:
            return lang
    return None


def pairing_problems(nb: Mapping) -> list[str]:
    """What breaks the rule "every English markdown cell is followed by its Chinese counterpart".

    Parameters
    ----------
    nb
        A notebook (``nbformat`` node or the dict read from an ``.ipynb``).

    Returns
    -------
    list of str
        One line per problem, naming the cell by index and its first words; empty when every markdown
        cell is tagged and paired, and every Chinese cell is written in Chinese.

    Examples
    --------
    >>> md = lambda text, t: {"cell_type": "markdown", "source": text, "metadata": {"tags": [t]}}
    >>> pairing_problems({"cells": [md("# Value", "lang-en"), md("# 价值", "lang-zh")]})
    []
    >>> pairing_problems({"cells": [md("# Value", "lang-en")]})
    ["cell 0 ('# Value'): English cell without a Chinese cell after it"]
    """
    cells = list(nb["cells"])
    problems = []

    def name(i: int) -> str:
        return f"cell {i} ({_source(cells[i]).strip()[:40]!r})"

    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        lang = cell_language(cell)
        if lang is None:
            problems.append(f"{name(i)}: markdown cell without a lang-en or lang-zh tag")
        elif lang == "en":
            nxt = cells[i + 1] if i + 1 < len(cells) else None
            if nxt is None or nxt["cell_type"] != "markdown" or cell_language(nxt) != "zh":
                problems.append(f"{name(i)}: English cell without a Chinese cell after it")
        else:
            prev = cells[i - 1] if i else None
            if prev is None or prev["cell_type"] != "markdown" or cell_language(prev) != "en":
                problems.append(f"{name(i)}: Chinese cell without an English cell before it")
            if not is_chinese(_source(cell)):
                problems.append(f"{name(i)}: tagged lang-zh but written without Chinese characters")
    return problems


def pairs(nb: Mapping) -> list[tuple[str, str]]:
    """The (English, Chinese) texts of a notebook's paired markdown cells, in order.

    Parameters
    ----------
    nb
        A notebook.

    Returns
    -------
    list of tuple of str

    Examples
    --------
    >>> md = lambda text, t: {"cell_type": "markdown", "source": text, "metadata": {"tags": [t]}}
    >>> pairs({"cells": [md("Value", "lang-en"), md("价值", "lang-zh")]})
    [('Value', '价值')]
    """
    return [(_source(english), _source(chinese)) for english, chinese in _pair_cells(nb)]


def pair_fingerprint(english: str, chinese: str) -> str:
    """A short fingerprint of a pair of texts, stored in the Chinese cell when the pair is reviewed.

    Parameters
    ----------
    english, chinese
        The two texts of a pair.

    Returns
    -------
    str
        The first 16 hex digits of SHA-256 over both texts.

    Examples
    --------
    >>> pair_fingerprint("Customer value", "客户价值") == pair_fingerprint("Customer value", "客户价值")
    True
    >>> pair_fingerprint("Customer value", "客户价值") == pair_fingerprint("Customer values", "客户价值")
    False
    """
    return hashlib.sha256(f"{english}\x00{chinese}".encode("utf-8")).hexdigest()[:16]


def _pair_cells(nb: Mapping) -> list[tuple[Mapping, Mapping]]:
    cells = list(nb["cells"])
    return [(a, b) for a, b in zip(cells, cells[1:]) if cell_language(a) == "en" and cell_language(b) == "zh"]


def _source(cell: Mapping) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def stamp_pairs(nb: Mapping) -> int:
    """Record in each Chinese cell the fingerprint of its pair as it is now (after a review of both texts).

    Parameters
    ----------
    nb
        A notebook, changed in place.

    Returns
    -------
    int
        The number of pairs whose fingerprint changed.

    Examples
    --------
    >>> md = lambda text, t: {"cell_type": "markdown", "source": text, "metadata": {"tags": [t]}}
    >>> nb = {"cells": [md("Value", "lang-en"), md("价值", "lang-zh")]}
    >>> stamp_pairs(nb), drift_problems(nb)
    (1, [])
    """
    changed = 0
    for english, chinese in _pair_cells(nb):
        stamp = pair_fingerprint(_source(english), _source(chinese))
        meta = chinese.setdefault("metadata", {}).setdefault("crmlab", {})
        if meta.get("pair") != stamp:
            meta["pair"] = stamp
            changed += 1
    return changed


def drift_problems(nb: Mapping) -> list[str]:
    """Pairs changed in one language since they were last reviewed together (:func:`stamp_pairs`).

    Parameters
    ----------
    nb
        A notebook with paired cells.

    Returns
    -------
    list of str
        One line per pair whose texts no longer match the fingerprint stored in its Chinese cell.

    Examples
    --------
    >>> md = lambda text, t: {"cell_type": "markdown", "source": text, "metadata": {"tags": [t]}}
    >>> nb = {"cells": [md("Value", "lang-en"), md("价值", "lang-zh")]}
    >>> _ = stamp_pairs(nb)
    >>> nb["cells"][0]["source"] = "Customer value"
    >>> drift_problems(nb)
    ["pair 1 ('Customer value'): one text changed since the pair was last reviewed; update the other language, then stamp the pair (python -m crmlab.course.i18n --stamp NB)"]
    """
    problems = []
    for k, (english, chinese) in enumerate(_pair_cells(nb), start=1):
        stored = chinese.get("metadata", {}).get("crmlab", {}).get("pair")
        if stored != pair_fingerprint(_source(english), _source(chinese)):
            problems.append(f"pair {k} ({_source(english).strip()[:40]!r}): one text changed since the pair was last "
                            "reviewed; update the other language, then stamp the pair "
                            "(python -m crmlab.course.i18n --stamp NB)")
    return problems


def glossary_problems(nb: Mapping, glossary: Mapping[str, str]) -> list[str]:
    """Glossary concepts an English cell mentions whose Chinese term its Chinese cell does not use.

    Parameters
    ----------
    nb
        A notebook with paired cells (:func:`pairs`).
    glossary
        English term → Chinese term. A trailing abbreviation in parentheses, "customer relationship
        management (CRM)", is not part of the English term looked for; the match is case-insensitive
        on whole words, outside quotations (a quoted definition or the English gloss of a paper's
        title is the source's wording, not the course's).

    Returns
    -------
    list of str
        One line per (pair, term) that is missing.

    Examples
    --------
    >>> md = lambda text, t: {"cell_type": "markdown", "source": text, "metadata": {"tags": [t]}}
    >>> nb = {"cells": [md("The value chain.", "lang-en"), md("价值系统。", "lang-zh")]}
    >>> glossary_problems(nb, {"value chain": "价值链"})
    ["pair 1 ('The value chain.'): 'value chain' is 价值链, not used in the Chinese text"]
    """
    problems = []
    patterns = {en: re.compile(r"(?<![\w-])" + re.escape(_bare_term(en)) + r"(?![\w-])", re.I)
                for en in glossary if _bare_term(en)}
    for k, (en_text, zh_text) in enumerate(pairs(nb), start=1):
        # quotations and glossed titles ("Enterprise CRM in the network environment") are the source's words
        en_text = _QUOTED.sub(" ", en_text)
        for en, pattern in patterns.items():
            if pattern.search(en_text) and glossary[en] not in zh_text:
                problems.append(f"pair {k} ({en_text.strip()[:40]!r}): {_bare_term(en)!r} is {glossary[en]}, "
                                "not used in the Chinese text")
    return problems


_QUOTED = re.compile(r'"[^"]{1,300}"|“[^”]{1,300}”')


def _bare_term(term: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*$", "", term).strip()


# ---------------------------------------------------------------------------------------------------
# Editions in one language


def language_preprocessor(lang: Language) -> TagRemovePreprocessor:
    """Keep the cells of one language: the cells tagged with the other language's tag are removed.

    Parameters
    ----------
    lang
        ``"en"`` or ``"zh"`` (:mod:`crmlab.course.i18n`).

    Returns
    -------
    nbconvert.preprocessors.TagRemovePreprocessor
        Configured to drop every cell tagged ``lang-<other>``.

    Examples
    --------
    >>> sorted(language_preprocessor("zh").remove_cell_tags)
    ['lang-en']
    """
    return TagRemovePreprocessor(remove_cell_tags={tag(other) for other in LANGUAGES if other != check_language(lang)})


_SETUP_CALL = re.compile(r"^(?P<head>.*\bsetup\()(?P<args>[^)]*)\)", re.M)


def set_setup_language(nb: nbformat.NotebookNode, lang: Language) -> nbformat.NotebookNode:
    """Make the notebook's ``setup()`` call (its first code cell) run in ``lang``, in place.

    ``rng = setup()`` becomes ``rng = setup(lang="zh")``; English leaves the call as it is.

    Parameters
    ----------
    nb
        A course notebook whose first code cell calls ``setup(...)``.
    lang
        ``"en"`` or ``"zh"``.

    Returns
    -------
    nbformat.NotebookNode
        ``nb``, changed.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("rng = setup()")])
    >>> set_setup_language(nb, "zh").cells[0].source
    'rng = setup(lang="zh")'
    """
    if check_language(lang) == "en":
        return nb
    for cell in nb.cells:
        if cell.cell_type == "code" and _SETUP_CALL.search(cell.source):
            def with_lang(m: re.Match[str]) -> str:
                args = m.group("args").strip()
                return f'{m.group("head")}{args + ", " if args else ""}lang="{lang}")'

            cell.source = _SETUP_CALL.sub(with_lang, cell.source, count=1)
            break
    else:
        raise CrmlabError("the notebook has no code cell calling setup(); its first code cell must be "
                          "`rng = setup()` (crmlab.course.notebook) so that the edition can set its language")
    nb.metadata.setdefault("crmlab", {})["lang"] = lang
    return nb


# ---------------------------------------------------------------------------------------------------
# Figure labels


@functools.cache
def _label_table(path: Path, mtime: float) -> tuple[dict[str, str], list[tuple[re.Pattern[str], str]]]:
    exact: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            en, zh = row["en"], row["zh"]
            if "{}" in en:
                regex = "^" + r"(.+?)".join(re.escape(part) for part in en.split("{}")) + "$"
                patterns.append((re.compile(regex, re.S), zh))
            else:
                exact[en] = zh
    return exact, patterns


def label_table(path: Path = LABELS) -> tuple[dict[str, str], list[tuple[re.Pattern[str], str]]]:
    """The label table: exact English texts → Chinese, and the patterns of entries with ``{}``.

    Parameters
    ----------
    path
        The table (CSV with ``en``, ``zh``, ``notebook``); read again when the file changes.

    Returns
    -------
    tuple
        ``(exact, patterns)``: a dict of exact texts and a list of (compiled pattern, Chinese).

    Examples
    --------
    >>> exact, patterns = label_table()
    >>> len(exact) > 100 and all("(.+?)" in p.pattern for p, _ in patterns)
    True
    """
    return _label_table(path, path.stat().st_mtime if path.exists() else 0.0) if path.exists() else ({}, [])


def translate_label(text: str, path: Path = LABELS) -> str | None:
    """The Chinese of one figure text from the label table, or ``None`` when the table lacks it.

    Parameters
    ----------
    text
        The English text as drawn. ``{}`` in a table entry matches any text, which is carried into the
        Chinese in order (numbers, units and symbols are kept as they are drawn).
    path
        The label table.

    Returns
    -------
    str or None

    Examples
    --------
    >>> import tempfile, pathlib
    >>> table = pathlib.Path(tempfile.mkdtemp()) / "labels.csv"
    >>> _ = table.write_text("en,zh,notebook\\nTop {} of customers,前 {} 的客户,01\\n", encoding="utf-8")
    >>> translate_label("Top 20% of customers", table), translate_label("Bottom 20%", table)
    ('前 20% 的客户', None)
    """
    exact, patterns = label_table(path)
    if text in exact:
        return exact[text]
    for pattern, zh in patterns:
        match = pattern.match(text)
        if match:
            out = zh
            for group in match.groups():
                out = out.replace("{}", group, 1)
            return out
    return None


def needs_translation(text: str) -> bool:
    """Whether a figure text holds words to translate: a word of two or more letters with a lower-case
    letter in it. Numbers, symbols, abbreviations and item codes (CLV, US$, BIC, IMAG1) and text that is
    already Chinese are drawn as they are.

    Parameters
    ----------
    text
        A text drawn in a figure.

    Returns
    -------
    bool
        Whether the label table must have it.

    Examples
    --------
    >>> needs_translation("Weeks since first purchase"), needs_translation("0.25"), needs_translation("$T$")
    (True, False, False)
    >>> needs_translation("CLV (US$)"), needs_translation("IMAG1"), needs_translation("客户")
    (False, False, False)
    """
    stripped = re.sub(r"\$[^$]*\$", "", text)
    words = [w for w in _WORD.findall(stripped) if w not in _MATH_WORDS]
    return bool(words) and not is_chinese(text)


def translate_figure(fig: object, path: Path = LABELS) -> list[str]:
    """Replace every text of ``fig`` that the label table has by its Chinese; return the others.

    Titles, axis labels, legend entries, annotations and table cells are
    :class:`matplotlib.text.Text` artists, changed in place. Tick labels are made again each time a
    figure is drawn, so a text tick label is replaced on its axis (fixed ticks with the translated
    labels, the view limits kept).

    Parameters
    ----------
    fig
        A matplotlib figure.
    path
        The label table.

    Returns
    -------
    list of str
        The texts the table does not have, in drawing order, without repeats.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.set_title("Not in the table, on purpose")
    >>> translate_figure(fig)
    ['Not in the table, on purpose']
    >>> plt.close(fig)
    """
    from matplotlib.text import Text as MplText

    missing: list[str] = []

    def chinese(text: str) -> str:
        """The table's Chinese for ``text`` (a name like ``p_alive`` too, when the table has it)."""
        zh = translate_label(text, path) if text and not is_chinese(text) else None
        if zh is None:
            if needs_translation(text) and text not in missing:
                missing.append(text)
            return text
        return zh

    fig.canvas.draw()  # type: ignore[attr-defined]  # tick labels exist once drawn
    ticks = set()
    for ax in fig.axes:  # type: ignore[attr-defined]
        for axis in (ax.xaxis, ax.yaxis):
            labels = axis.get_ticklabels()
            ticks.update(labels)
            texts = [t.get_text() for t in labels]
            translated = [chinese(t) for t in texts]
            if translated == texts:
                continue
            limits = ax.get_xlim() if axis is ax.xaxis else ax.get_ylim()
            axis.set_ticks(axis.get_ticklocs(), labels=translated)
            (ax.set_xlim if axis is ax.xaxis else ax.set_ylim)(limits)
    for artist in fig.findobj(MplText):  # type: ignore[attr-defined]
        if artist not in ticks:
            text = artist.get_text()
            zh = chinese(text)
            if zh != text:
                artist.set_text(zh)
                artist.set_fontstyle("normal")  # CJK fonts have no italic: slanted text would draw as boxes
    return missing


def translate_message(message: object, lang: Language | None = None, path: Path = LABELS) -> str:
    """A message crmlab printed (an error a notebook demonstrates) in ``lang``, line by line.

    Each line is looked up in the label table, indentation kept; a line the table does not have (a
    data row, a value) is left as it is. In English the message is returned unchanged.

    Parameters
    ----------
    message
        The message, or the exception whose message it is.
    lang
        The language (default: the current one).
    path
        The label table.

    Returns
    -------
    str
        The message in ``lang``.

    Examples
    --------
    >>> from crmlab.errors import DataValidationError
    >>> translate_message(DataValidationError("column 'spend': negative amount"), "en")
    "column 'spend': negative amount"
    """
    text = str(message)
    if (lang or language()) == "en":
        return text
    out = []
    for line in text.split("\n"):
        body = line.lstrip()
        zh = translate_label(body, path) if body and needs_translation(body) else None
        out.append(line[: len(line) - len(body)] + zh if zh is not None else line)
    return "\n".join(out)


def cjk_font() -> str | None:
    """The first of :data:`CJK_FONTS` that matplotlib can find, or ``None``.

    Returns
    -------
    str or None
        A font family name.

    Examples
    --------
    >>> cjk_font() in (None, *CJK_FONTS)
    True
    """
    from matplotlib import font_manager

    def first() -> str | None:
        available = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in available), None)

    found = first()
    if found is None:  # installed after matplotlib cached its font list: add the files themselves
        for path in font_manager.findSystemFonts():
            if re.search(r"(NotoSansCJK|SourceHanSans|wqy-zenhei)", Path(path).name, re.I):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # pragma: no cover - an unreadable font file
                    continue
        found = first()
    return found


def use_cjk_font() -> bool:
    """Draw figure text in a CJK font; warn and return ``False`` when none is installed.

    Returns
    -------
    bool
        Whether a CJK font is in use (then figures are translated).

    Examples
    --------
    What ``setup(lang="zh")`` does (not run here: it changes the session's fonts)::

        use_cjk_font()   # True where fonts-noto-cjk is installed
    """
    import matplotlib as mpl

    font = cjk_font()
    if font is None:
        warnings.warn("no CJK font found (install the Debian package fonts-noto-cjk, then delete "
                      "~/.cache/matplotlib): figures keep their English labels", CrmlabWarning, stacklevel=2)
        return False
    mpl.rcParams["font.sans-serif"] = [font, *mpl.rcParams["font.sans-serif"]]
    mpl.rcParams["axes.unicode_minus"] = False
    return True


if __name__ == "__main__":  # ``python -m crmlab.course.i18n NB``: the checks of crmlab.course.translation
    import runpy

    runpy.run_module("crmlab.course.translation", run_name="__main__", alter_sys=True)
