"""The course site: every notebook rendered to HTML with its figures, an index with the course map,
and the bilingual glossary. Works offline: no fonts or scripts from a CDN; mathematics is rendered to
MathML at build time.

``build(output)`` is what ``make run`` calls. Editions: ``"instructor"`` keeps the solutions,
``"student"`` drops the cells tagged ``solution`` and the outputs of the cells tagged ``exercise``.
"""

from __future__ import annotations

import html
import itertools
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import nbformat
import pandas as pd

from crmlab import datasets
from crmlab.course import editions, run as course
from crmlab.course.i18n import LANGUAGES, Language, cell_language, check_language, language
from crmlab.errors import CrmlabError
from crmlab.files import load_yaml

Edition = Literal["instructor", "student"]  # the editions a site is built in (nbgrader: editions.py)
TEMPLATES = Path(__file__).with_name("templates")
SITE_TITLE = "crmlab — customer relationship management analytics"

#: The ``lang`` attribute of each language's pages.
HTML_LANG = {"en": "en", "zh": "zh-Hans"}

#: Every text the site writes itself, in both languages (the notebooks carry their own).
UI: dict[str, dict[str, str]] = {
    "site_title": {"en": SITE_TITLE, "zh": "crmlab — 客户关系管理分析"},
    "glossary": {"en": "Glossary", "zh": "术语表"},
    "course_map": {"en": "Course map", "zh": "课程地图"},
    "contents": {"en": "Contents", "zh": "目录"},
    "figure": {"en": "figure", "zh": "图"},
    "download": {"en": "download the notebook", "zh": "下载笔记本"},
    "notebook": {"en": "Notebook", "zh": "笔记本"},
    "learn": {"en": "You will learn to", "zh": "学习目标"},
    "time": {"en": "Time", "zh": "时长"},
    "prerequisites": {"en": "Prerequisites", "zh": "先修知识"},
    "minutes": {"en": "{n} min", "zh": "{n} 分钟"},
    "intro": {
        "en": "A course in customer relationship management analytics: customer value, the value chain, customer "
              "lifetime value with \"buy till you die\" models, satisfaction surveys and CRM adoption by firm size. "
              "Every page is a notebook executed on the bundled data ({edition} edition), about {hours:.0f} hours "
              "of study in all.",
        "zh": "一门客户关系管理分析课程：客户价值、价值链、基于“直到流失”（buy till you die）模型的客户生命周期价值、"
              "客户满意度调查，以及不同规模企业的客户关系管理采用。每一页都是在随附数据上执行过的笔记本"
              "（{edition_zh}），总学习时间约 {hours:.0f} 小时。",
    },
    "instructor": {"en": "instructor", "zh": "教师版"},
    "student": {"en": "student", "zh": "学生版"},
    "run_yourself": {"en": "Run it yourself", "zh": "自己运行"},
    "run_comments": {"en": "execute every notebook and build this site|unit tests and nbval over every notebook|"
                           "open the notebooks in JupyterLab",
                     "zh": "执行全部笔记本并生成本网站|单元测试并用 nbval 检验每个笔记本|在 JupyterLab 中打开笔记本"},
    "data_sources": {"en": "Data sources", "zh": "数据来源"},
    "dataset": {"en": "Dataset", "zh": "数据集"},
    "real_or_synthetic": {"en": "Real or synthetic", "zh": "真实或合成"},
    "real": {"en": "real", "zh": "真实"},
    "synthetic": {"en": "synthetic", "zh": "合成"},
    "source": {"en": "Source", "zh": "来源"},
    "licence": {"en": "Licence", "zh": "许可"},
    "see_glossary": {"en": 'See also the <a href="glossary.html">English–Chinese glossary</a> of CRM terms.',
                     "zh": '另见客户关系管理术语的<a href="glossary.html">英汉术语表</a>。'},
    "plans": {"en": "Teaching plans", "zh": "教学计划"},
    "plans_intro": {
        "en": "Suggested schedules (from <code>notebooks/course.yaml</code>). Graded assignments are the "
              "notebooks of the nbgrader edition: <code>crmlab build --edition nbgrader --output DIR</code>.",
        "zh": "建议的教学安排（来自 <code>notebooks/course.yaml</code>）。评分作业即 nbgrader 版的笔记本："
              "<code>crmlab build --edition nbgrader --output DIR</code>。"},
    "plan_summary": {"en": "{audience}; {n} sessions, {hours:g} hours in all.",
                     "zh": "{audience}；共 {n} 次课，合计 {hours:g} 小时。"},
    "session": {"en": "Session", "zh": "课次"},
    "notebooks": {"en": "Notebooks", "zh": "笔记本"},
    "exercises": {"en": "Exercises", "zh": "练习"},
    "no_exercises": {"en": "none (practice on your own data)", "zh": "无（用你自己的数据练习）"},
    "grade": {"en": "Grade", "zh": "评分"},
    "glossary_intro": {"en": "The core terms of the course in English and Chinese, with the notebook where each "
                             "is introduced.",
                       "zh": "本课程的核心术语（英文与中文），以及首次引入各术语的笔记本。"},
    "meaning": {"en": "Meaning", "zh": "释义"},
    "switch": {"en": "中文", "zh": "English"},
}


def ui(key: str, lang: Language, **fields: object) -> str:
    """One of the site's own texts (:data:`UI`) in ``lang``, with its fields filled in.

    Parameters
    ----------
    key
        A key of :data:`UI`.
    lang
        ``"en"`` or ``"zh"``.
    **fields
        Values of the text's ``{name}`` fields.

    Returns
    -------
    str
        The text.

    Examples
    --------
    >>> ui("minutes", "zh", n=90)
    '90 分钟'
    """
    text = UI[key][lang]
    return text.format(**fields) if fields else text

CSS = """
body.crmlab-page { margin: 0; }
.crmlab-header { background: #17324d; color: #fff; padding: 0.6rem 1.2rem; display: flex; gap: 1.2rem;
  align-items: center; flex-wrap: wrap; font-family: system-ui, sans-serif; }
.crmlab-header a { color: #fff; text-decoration: none; }
.crmlab-header .crmlab-brand { font-weight: 700; margin-right: auto; }
.crmlab-layout { display: flex; align-items: flex-start; }
.crmlab-toc { position: sticky; top: 0; max-height: 100vh; overflow-y: auto; width: 15rem; flex: none;
  padding: 1rem; font: 0.85rem/1.4 system-ui, sans-serif; border-right: 1px solid #ddd; box-sizing: border-box; }
.crmlab-toc ul { list-style: none; padding-left: 0.8rem; margin: 0.2rem 0; }
.crmlab-toc > ul { padding-left: 0; }
.crmlab-toc a { color: #17324d; text-decoration: none; }
.crmlab-layout main { flex: 1; min-width: 0; padding: 1rem 2rem; }
.crmlab-pager { display: flex; justify-content: space-between; margin: 2rem 0; padding-top: 1rem;
  border-top: 1px solid #ddd; font-family: system-ui, sans-serif; }
.crmlab-content { max-width: 60rem; font: 1rem/1.5 system-ui, sans-serif; }
.crmlab-content table { border-collapse: collapse; margin: 1rem 0; }
.crmlab-content th, .crmlab-content td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; vertical-align: top; text-align: left; }
.crmlab-content th { background: #eef2f6; }
math[display="block"] { margin: 0.8rem 0; }
@media (max-width: 800px) { .crmlab-toc { display: none; } }
"""


# ---------------------------------------------------------------------------------------------------
# The course map


def read_course_yaml(directory: Path = course.NOTEBOOK_DIR) -> dict:
    """``notebooks/course.yaml`` as ``{"notebooks": [...], "schedules": [...]}``.

    The file is a mapping with a ``notebooks`` list (one entry per notebook, in order) and an optional
    ``schedules`` list; a bare list of notebook entries (the earlier layout) is read as ``notebooks``.
    Texts a student reads may have a Chinese sibling with the suffix ``_zh`` (``title_zh``, ``name_zh``,
    ``audience_zh``, ``prerequisites_zh``).

    Parameters
    ----------
    directory
        The folder holding ``course.yaml``.

    Returns
    -------
    dict
        ``{"notebooks": [...], "schedules": [...]}``, each entry checked for its required keys.

    Examples
    --------
    >>> [entry["notebook"][:2] for entry in read_course_yaml()["notebooks"]][:3]
    ['00', '01', '02']
    """
    path = Path(directory) / "course.yaml"
    if not path.is_file():
        raise CrmlabError(f"no course map {path}; the notebook folder needs its course.yaml")
    data = load_yaml(path, what=str(path))  # bounded; invalid YAML is a DataFileError naming the line
    if isinstance(data, list):
        data = {"notebooks": data}
    if not isinstance(data, dict) or not isinstance(data.get("notebooks"), list):
        raise CrmlabError(f"{path} needs a key 'notebooks' with one entry per notebook "
                          "(- notebook: NN_topic.ipynb, minutes: ..., prerequisites: [...])")
    for i, entry in enumerate(data["notebooks"]):
        missing = [k for k in ("notebook", "minutes", "prerequisites") if not isinstance(entry, dict) or k not in entry]
        if missing:
            raise CrmlabError(f"{path}: notebooks entry {i} lacks {missing}; each entry needs notebook, minutes "
                              "and prerequisites")
    data.setdefault("schedules", [])
    entries = [(f"notebooks entry {i}", e) for i, e in enumerate(data["notebooks"])]
    for plan in data["schedules"] if isinstance(data["schedules"], list) else []:
        if isinstance(plan, dict):
            entries.append((f"schedule {plan.get('id', '?')!r}", plan))
            entries += [(f"schedule {plan.get('id', '?')!r}, session {k}", session)
                        for k, session in enumerate(plan.get("sessions") or [], start=1) if isinstance(session, dict)]
    for where, entry in entries:
        _check_translations(entry, where, path)
    return data


def _check_translations(entry: dict, where: str, path: Path) -> None:
    """A Chinese sibling (``title_zh``, ``prerequisites_zh`` …) must have its English key's shape: text for
    text, a list of as many texts for a list."""
    for key, value in entry.items():
        if not (isinstance(key, str) and key.endswith("_zh")):
            continue
        english = entry.get(key[:-3])
        if isinstance(english, list):
            ok = (isinstance(value, list) and len(value) == len(english)
                  and all(isinstance(v, (str, int, float)) for v in value))
            shape = f"a list of {len(english)} texts, like {key[:-3]}"
        else:
            ok = isinstance(english, str) and isinstance(value, str) and bool(value.strip())
            shape = f"a non-empty text beside a text {key[:-3]}"
        if not ok:
            raise CrmlabError(f"{path}: {where}: {key} = {value!r} must be {shape}; "
                              f"translate {key[:-3]} = {english!r} item by item")


def _localised(entry: dict, key: str, lang: Language) -> object:
    """``entry[key]``, or its Chinese sibling ``entry[key + "_zh"]`` in Chinese when there is one."""
    if lang != "en" and f"{key}_{lang}" in entry:
        return entry[f"{key}_{lang}"]
    return entry.get(key)


def course_map(directory: Path = course.NOTEBOOK_DIR, lang: Language | None = None) -> pd.DataFrame:
    """One row per notebook: title, minutes, prerequisites, learning objectives and datasets.

    Minutes, prerequisites and datasets come from ``notebooks/course.yaml``; the title and objectives
    from the notebook itself (its first heading and the list under "Learning objectives" / "学习目标"),
    in ``lang`` (default: the current language, :func:`crmlab.course.i18n.language`). In Chinese the
    prerequisites are the entry's ``prerequisites_zh`` when it has them.

    Parameters
    ----------
    directory
        The folder of the notebooks and ``course.yaml``.
    lang
        ``"en"`` or ``"zh"``.

    Returns
    -------
    pandas.DataFrame
        Indexed by notebook number (``"00"``, ``"01"``, …).

    Examples
    --------
    >>> int(course_map(lang="en").loc["03", "minutes"])
    120
    """
    lang = check_language(lang or language())
    entries = read_course_yaml(directory)["notebooks"]
    rows = []
    for entry in entries:
        path = directory / entry["notebook"]
        if not path.is_file():
            raise CrmlabError(f"notebooks/course.yaml lists {entry['notebook']}, which does not exist")
        nb = nbformat.read(path, as_version=4)
        rows.append(
            {
                "number": entry["notebook"][:2],
                "notebook": entry["notebook"],
                "title": notebook_title(nb, lang),
                "minutes": int(entry["minutes"]),
                "prerequisites": ("、" if lang == "zh" else ", ").join(
                    str(p) for p in _localised(entry, "prerequisites", lang)),
                "objectives": learning_objectives(nb, lang),
                "data": list(entry.get("data", [])),
            }
        )
    return pd.DataFrame(rows).set_index("number")


def schedules(directory: Path = course.NOTEBOOK_DIR, cmap: pd.DataFrame | None = None,
              lang: Language | None = None) -> pd.DataFrame:
    """The suggested teaching plans of ``course.yaml``, one row per session, checked against the course.

    Columns: ``schedule``, ``title``, ``audience``, ``session`` (1, 2, …), ``name``, ``notebooks``
    (numbers), ``exercises`` (ids; ``all`` in the file expands to every registered exercise of the
    session's notebooks), ``minutes``, ``study_minutes`` (the course map's time for those notebooks)
    and ``grade`` (nbgrader assignments, i.e. notebook names, to grade after the session).

    Raises :class:`~crmlab.errors.CrmlabError` when a session names a notebook that is not in the course
    map, an exercise that is not registered or belongs to another notebook, a non-positive time, or an
    assignment to grade before its notebook has been taught.

    Parameters
    ----------
    directory
        The folder holding the notebooks and ``course.yaml``.
    cmap
        The course map (:func:`course_map`), computed when not given.
    lang
        The language of titles, audiences and session names (default: the current language).

    Returns
    -------
    pandas.DataFrame
        One row per session of every schedule.

    Examples
    --------
    >>> plans = schedules(lang="en")
    >>> plans.groupby("schedule", sort=False)["minutes"].sum().to_dict()
    {'six-week-module': 1080, 'two-day-workshop': 840}
    """
    from crmlab.course.exercises import exercises

    lang = check_language(lang or language())
    cmap = course_map(directory, lang) if cmap is None else cmap
    plans = read_course_yaml(directory)["schedules"]
    bank = sorted(exercises())
    rows = []
    for plan in plans:
        sid = plan.get("id", "?")
        sessions = plan.get("sessions") or []
        if not sessions:
            raise CrmlabError(f"course.yaml: schedule {sid!r} has no sessions")
        taught: set[str] = set()
        for number, session in enumerate(sessions, start=1):
            where = f"course.yaml: schedule {sid!r}, session {number} ({session.get('name', '')!r})"
            notebooks = [str(n).zfill(2) for n in session.get("notebooks", [])]
            unknown = [n for n in notebooks if n not in cmap.index]
            if unknown:
                raise CrmlabError(f"{where}: notebooks {unknown} are not in the course map {list(cmap.index)}")
            listed = session.get("exercises", "all")
            if listed == "all":
                ids = [e for e in bank if e[:2] in notebooks]
            else:
                ids = [str(e) for e in listed]
                stray = [e for e in ids if e not in bank or e[:2] not in notebooks]
                if stray:
                    raise CrmlabError(f"{where}: exercises {stray} are not registered exercises of notebooks "
                                      f"{notebooks}; list ids like '03.1' or write 'all'")
            minutes = session.get("minutes")
            if not isinstance(minutes, int) or minutes <= 0:
                raise CrmlabError(f"{where}: minutes must be a positive whole number, not {minutes!r}")
            taught |= set(notebooks)
            names = {Path(nb).stem: num for num, nb in cmap["notebook"].items()}
            grade = [str(g) for g in session.get("grade", [])]
            early = [g for g in grade if names.get(g) not in taught]
            if early:
                raise CrmlabError(f"{where}: cannot grade {early} here; an assignment is named after its notebook "
                                  f"({sorted(names)}) and graded in or after the session that teaches it")
            rows.append(
                {
                    "schedule": sid, "title": _localised(plan, "title", lang) or sid,
                    "audience": _localised(plan, "audience", lang) or "",
                    "session": number, "name": _localised(session, "name", lang) or f"Session {number}",
                    "notebooks": notebooks, "exercises": ids, "minutes": minutes,
                    "study_minutes": int(sum(cmap.loc[n, "minutes"] for n in notebooks)), "grade": grade,
                }
            )
    columns = ["schedule", "title", "audience", "session", "name", "notebooks", "exercises", "minutes",
               "study_minutes", "grade"]
    return pd.DataFrame(rows, columns=columns)


def _cells_in(nb: nbformat.NotebookNode, lang: Language) -> list[nbformat.NotebookNode]:
    """The markdown cells a reader of ``lang`` sees: untagged cells and the cells tagged ``lang-<lang>``."""
    return [c for c in nb.cells if c.cell_type == "markdown" and cell_language(c) in (None, lang)]


def notebook_title(nb: nbformat.NotebookNode, lang: Language = "en") -> str:
    """The notebook's first level-1 heading in ``lang``.

    Parameters
    ----------
    nb
        A course notebook.
    lang
        The language of the cells read (untagged cells count for both).

    Returns
    -------
    str
        The heading's text.

    Examples
    --------
    >>> md = nbformat.v4.new_markdown_cell
    >>> nb = nbformat.v4.new_notebook(cells=[md("# Customer value", metadata={"tags": ["lang-en"]}),
    ...                                      md("# 客户价值", metadata={"tags": ["lang-zh"]})])
    >>> notebook_title(nb, "en"), notebook_title(nb, "zh")
    ('Customer value', '客户价值')
    """
    for cell in _cells_in(nb, lang):
        match = re.search(r"^#\s+(.+)$", cell.source, re.M)
        if match:
            return match.group(1).strip()
    raise CrmlabError("the notebook has no level-1 heading ('# Title') to use as its title")


def learning_objectives(nb: nbformat.NotebookNode, lang: Language = "en") -> list[str]:
    """The bullet list under the notebook's "Learning objectives" heading ("学习目标" in Chinese), one
    string per bullet.

    A bullet wrapped over several lines is joined into one sentence (continuation lines need not be
    indented, as in Markdown); the list ends at the next heading or at a paragraph after a blank line.

    Parameters
    ----------
    nb
        A course notebook.
    lang
        The language of the cells read.

    Returns
    -------
    list of str
        The objectives, in order; empty when the notebook has no such section.

    Examples
    --------
    >>> cell = nbformat.v4.new_markdown_cell("## 学习目标\\n\\n- 计算客户生命周期价值；\\n- 解释留存率。",
    ...                                      metadata={"tags": ["lang-zh"]})
    >>> learning_objectives(nbformat.v4.new_notebook(cells=[cell]), "zh")
    ['计算客户生命周期价值；', '解释留存率。']
    """
    bullet = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
    for cell in _cells_in(nb, lang):
        match = re.search(r"^#+\s*(?:Learning objectives|学习目标)\s*$(.*?)(?=^#|\Z)", cell.source, re.M | re.S | re.I)
        if not match:
            continue
        items: list[str] = []
        after_blank = False
        for line in match.group(1).splitlines():
            if bullet.match(line):
                items.append(bullet.sub("", line).strip())
            elif not line.strip():
                after_blank = True
                continue
            elif items and (not after_blank or line[:1] in " \t"):
                items[-1] = f"{items[-1]} {line.strip()}"
            elif items:
                break
            after_blank = False
        return items
    return []


# ---------------------------------------------------------------------------------------------------
# Editions: made in crmlab.course.editions; ``site.make_edition`` stays importable from here.

make_edition = editions.make_edition


# ---------------------------------------------------------------------------------------------------
# Rendering


def _exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="crmlab_site", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input_prompt = False
    return exporter


def render_notebook(nb: nbformat.NotebookNode, *, title: str, header: str, pager: str,
                    lang: Language = "en") -> str:
    """HTML of one executed notebook, with the site header, a table of contents and the pager.

    Parameters
    ----------
    nb
        The notebook (executed, in one language).
    title
        The page title; figures without alternative text get "<title>: figure k".
    header, pager
        The site's navigation bar and the previous/next links.
    lang
        The page's language (its ``<html lang>``, the words of the contents and figure captions).

    Returns
    -------
    str
        The page, with mathematics as MathML.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("价值 $B - C$")])
    >>> page = render_notebook(nb, title="01", header="", pager="", lang="zh")
    >>> '<html lang="zh-Hans"' in page, "<math" in page
    (True, True)
    """
    body, _ = _exporter().from_notebook_node(
        nb,
        resources={
            "metadata": {"name": title},
            "site_css": CSS,
            "site_header": header,
            "site_toc": "<!--crmlab-toc-->",
            "site_pager": pager,
        },
    )
    body = mathml(body)
    figure = itertools.count(1)
    word = ui("figure", lang)
    body = re.sub(r"<img (?![^>]*\balt=)", lambda m: f'<img alt="{html.escape(title)}: {word} {next(figure)}" ', body)
    body = re.sub(r"<html(?P<attrs>[^>]*)>", lambda m: _html_tag(m.group("attrs"), lang), body, count=1)
    return body.replace("<!--crmlab-toc-->", table_of_contents(body, lang))


def _html_tag(attrs: str, lang: Language) -> str:
    """The ``<html>`` tag of a page with its ``lang`` attribute set to the page's language."""
    kept = re.sub(r'\s*\blang="[^"]*"', "", attrs)
    return f'<html lang="{HTML_LANG[lang]}"{kept}>'


def table_of_contents(page: str, lang: Language = "en") -> str:
    """Nested list of links to the page's h2 and h3 headings (the ids nbconvert gives them).

    Parameters
    ----------
    page
        The page's HTML.
    lang
        The language of the list's title.

    Returns
    -------
    str
        The list, or ``""`` for a page without such headings.

    Examples
    --------
    >>> table_of_contents('<h2 id="a">A</h2><h3 id="b">B</h3>')
    '<strong>Contents</strong><ul><li><a href="#a">A</a></li><ul><li><a href="#b">B</a></li></ul></ul>'
    """
    items = []
    for level, anchor, text in re.findall(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', page, re.S):
        label = re.sub(r'<a class="anchor-link".*?</a>', "", text, flags=re.S).strip()
        items.append((int(level), anchor, label))
    if not items:
        return ""
    out, depth = ["<ul>"], 2
    for level, anchor, label in items:
        while depth < level:
            out.append("<ul>")
            depth += 1
        while depth > level:
            out.append("</ul>")
            depth -= 1
        out.append(f'<li><a href="#{anchor}">{label}</a></li>')
    out.extend("</ul>" for _ in range(depth - 1))
    return f"<strong>{ui('contents', lang)}</strong>" + "".join(out)


_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?!\s)([^$]+?)(?<!\s)\$(?![\w$])")


def mathml(page: str) -> str:
    """Replace ``$…$`` and ``$$…$$`` in the rendered markdown cells with MathML (rendered by browsers).

    Parameters
    ----------
    page
        A page rendered by nbconvert.

    Returns
    -------
    str
        The page; text outside markdown cells (code, outputs) and inside tags is left as it is.

    Examples
    --------
    >>> mathml('<div class="jp-RenderedMarkdown">$x$</div><pre>$x$</pre>').count("<math")
    1
    """
    from latex2mathml.converter import convert

    def display(m: re.Match[str]) -> str:
        tex = html.unescape(m.group(1) or m.group(2))
        return convert(tex, display="block")

    def inline(m: re.Match[str]) -> str:
        return convert(html.unescape(m.group(1)))

    def convert_text(text: str) -> str:
        return _INLINE_MATH.sub(inline, _DISPLAY_MATH.sub(display, text))

    def convert_cell(m: re.Match[str]) -> str:
        # text between tags only: ids and links of headings keep their dollar signs
        parts = re.split(r"(<[^>]*>)", m.group(0))
        return "".join(part if part.startswith("<") else convert_text(part) for part in parts)

    # markdown cells are rendered inside <div class="... jp-RenderedMarkdown ..."> … </div>
    return re.sub(r'<div class="[^"]*jp-RenderedMarkdown[^"]*"[^>]*>.*?</div>', convert_cell, page, flags=re.S)


def _header(pages: Iterable[tuple[str, str]], switch: str = "") -> str:
    """The site's navigation bar; ``switch`` (the language link) is filled per page, see :func:`_with_switch`."""
    links = "".join(f'<a href="{href}">{html.escape(label)}</a>' for href, label in pages)
    return (f'<header class="crmlab-header"><a class="crmlab-brand" href="index.html">crmlab</a>{links}'
            f"{switch}</header>")


_SWITCH = "<!--crmlab-language-switch-->"


def _with_switch(page: str, name: str, lang: Language, langs: Iterable[Language]) -> str:
    """Fill the language switch of a page: a link to the same page in the other language.

    English pages live at the site's root, the Chinese ones in ``zh/``.
    """
    others = [other for other in langs if other != lang]
    if not others:
        return page.replace(_SWITCH, "")
    other = others[0]
    href = (f"{other}/{name}" if lang == "en" else (f"../{name}" if other == "en" else f"../{other}/{name}"))
    link = (f'<a class="crmlab-lang" href="{href}" hreflang="{HTML_LANG[other]}" lang="{HTML_LANG[other]}">'
            f'{ui("switch", lang)}</a>')
    return page.replace(_SWITCH, link)


def _pager(prev: tuple[str, str] | None, nxt: tuple[str, str] | None) -> str:
    left = f'<a rel="prev" href="{prev[0]}">← {html.escape(prev[1])}</a>' if prev else "<span></span>"
    right = f'<a rel="next" href="{nxt[0]}">{html.escape(nxt[1])} →</a>' if nxt else "<span></span>"
    return f'<nav class="crmlab-pager">{left}{right}</nav>'


def _page(title: str, header: str, content: str, lang: Language = "en") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{HTML_LANG[lang]}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<title>{html.escape(title)}</title>\n<link rel="icon" href="data:,">\n<style>{CSS}</style>\n</head>\n'
        f'<body class="crmlab-page">\n{header}\n<div class="crmlab-layout"><main class="crmlab-content">\n'
        f"{content}\n</main></div>\n</body>\n</html>\n"
    )


def _table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, escape=False, border=0)


def schedules_html(plans: pd.DataFrame, cmap: pd.DataFrame, lang: Language = "en") -> str:
    """The teaching plans as HTML: per schedule a heading, its audience and a table of sessions.

    Parameters
    ----------
    plans
        :func:`schedules`.
    cmap
        :func:`course_map`, for the links to the notebooks.
    lang
        The language of the page.

    Returns
    -------
    str
        The section, or ``""`` without plans.

    Examples
    --------
    >>> html_zh = schedules_html(schedules(lang="zh"), course_map(lang="zh"), "zh")
    >>> html_zh.startswith('<h2 id="teaching-plans">教学计划</h2>')
    True
    """
    if plans.empty:
        return ""
    out = [f'<h2 id="teaching-plans">{ui("plans", lang)}</h2>', f"<p>{ui('plans_intro', lang)}</p>"]
    for sid, plan in plans.groupby("schedule", sort=False):
        first = plan.iloc[0]
        hours = plan["minutes"].sum() / 60
        out.append(f'<h3 id="plan-{html.escape(sid)}">{html.escape(first["title"])}</h3>')
        audience = first["audience"][:1].upper() + first["audience"][1:]
        out.append(f"<p>{ui('plan_summary', lang, audience=html.escape(audience), n=len(plan), hours=hours)}</p>")
        rows = []
        for _, s in plan.iterrows():
            links = ", ".join(
                f'<a href="{Path(cmap.loc[n, "notebook"]).with_suffix(".html").name}">{n}</a>' for n in s["notebooks"]
            )
            rows.append(
                {
                    ui("session", lang): f"{s['session']}. {html.escape(s['name'])}",
                    ui("notebooks", lang): links,
                    ui("exercises", lang): ", ".join(s["exercises"]) or ui("no_exercises", lang),
                    ui("time", lang): ui("minutes", lang, n=s["minutes"]),
                    ui("grade", lang): ", ".join(f"<code>{html.escape(g)}</code>" for g in s["grade"]) or "—",
                }
            )
        out.append(_table(pd.DataFrame(rows)))
    return "\n".join(out)


def index_page(cmap: pd.DataFrame, header: str, edition: Edition, plans: pd.DataFrame | None = None,
               lang: Language = "en") -> str:
    """The course map, the teaching plans, how to run it, the data sources.

    Parameters
    ----------
    cmap
        :func:`course_map` in ``lang``.
    header
        The navigation bar.
    edition
        ``"instructor"`` or ``"student"``, named in the introduction.
    plans
        :func:`schedules`, or ``None`` for none.
    lang
        The language of the page.

    Returns
    -------
    str
        The page.

    Examples
    --------
    >>> page = index_page(course_map(lang="zh"), "", "student", lang="zh")
    >>> 'id="course-map">课程地图' in page and "学生版" in page
    True
    """
    rows = []
    for number, row in cmap.iterrows():
        href = Path(row["notebook"]).with_suffix(".html").name
        objectives = "".join(f"<li>{inline_markdown(o)}</li>" for o in row["objectives"])
        rows.append(
            {
                "#": number,
                ui("notebook", lang): f'<a href="{href}">{html.escape(row["title"])}</a>'
                f'<br><small><a href="notebooks/{row["notebook"]}">{ui("download", lang)}</a></small>',
                ui("learn", lang): f"<ul>{objectives}</ul>",
                ui("time", lang): ui("minutes", lang, n=row["minutes"]),
                ui("prerequisites", lang): html.escape(row["prerequisites"]),
            }
        )
    cat = datasets.catalogue().reset_index()
    data = pd.DataFrame(
        {
            ui("dataset", lang): "<code>" + cat["name"] + "</code>",
            ui("real_or_synthetic", lang): cat["synthetic"].map({True: ui("synthetic", lang), False: ui("real", lang)}),
            ui("source", lang): cat["source"].map(html.escape),
            ui("licence", lang): cat["licence"].map(html.escape),
        }
    )
    total = cmap["minutes"].sum()
    run_comments = ui("run_comments", lang).split("|")
    title = ui("site_title", lang)
    content = f"""
<h1>{html.escape(title)}</h1>
<p>{ui("intro", lang, edition=edition, edition_zh=ui(edition, "zh"), hours=total / 60)}</p>
<h2 id="course-map">{ui("course_map", lang)}</h2>
{_table(pd.DataFrame(rows))}
{schedules_html(plans, cmap, lang) if plans is not None else ""}
<h2 id="run">{ui("run_yourself", lang)}</h2>
<pre>make run    # {run_comments[0]}
make test   # {run_comments[1]}
make lab    # {run_comments[2]}</pre>
<h2 id="data">{ui("data_sources", lang)}</h2>
{_table(data)}
<p>{ui("see_glossary", lang)}</p>
"""
    return _page(title, header, content, lang)


def inline_markdown(text: str) -> str:
    """One line of markdown (code, emphasis, links, ``$math$``) as inline HTML.

    Parameters
    ----------
    text
        The markdown.

    Returns
    -------
    str
        HTML without an enclosing paragraph.

    Examples
    --------
    >>> inline_markdown("Fit the **BG/NBD** model with `clv.fit`")
    'Fit the <strong>BG/NBD</strong> model with <code>clv.fit</code>'
    """
    from latex2mathml.converter import convert
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    rendered = markdown2html_mistune(text).strip()
    rendered = re.sub(r"^<p>(.*)</p>$", r"\1", rendered, flags=re.S)
    return _INLINE_MATH.sub(lambda m: convert(html.unescape(m.group(1))), rendered)


def glossary_page(header: str, lang: Language = "en") -> str:
    """The bilingual glossary as a page: English, Chinese, the meaning in ``lang``, the notebook.

    Parameters
    ----------
    header
        The navigation bar.
    lang
        The language of the page; in Chinese the meanings are the glossary's ``definition_zh`` where
        given.

    Returns
    -------
    str
        The page.

    Examples
    --------
    >>> page = glossary_page("", "zh")
    >>> "客户关系管理" in page and "<th>释义</th>" in page
    True
    """
    glossary = datasets.load_glossary().sort_values("term_en", key=lambda s: s.str.lower())
    meaning = glossary["definition"]
    if lang == "zh" and "definition_zh" in glossary:
        meaning = glossary["definition_zh"].where(glossary["definition_zh"].str.strip() != "", meaning)
    pages = {p.name[:2]: p.with_suffix(".html").name for p in course.notebooks()}
    table = pd.DataFrame(
        {
            "English": "<b>" + glossary["term_en"].map(html.escape) + "</b>",
            "中文": glossary["term_zh"].map(html.escape),
            ui("meaning", lang): meaning.map(html.escape),
            ui("notebook", lang): glossary["notebook"].map(
                lambda n: f'<a href="{pages.get(n, "index.html")}">{html.escape(n)}</a>' if n else ""
            ),
        }
    )
    content = f"""<h1 id="glossary">Glossary · 术语表</h1>
<p>{ui("glossary_intro", lang)}</p>
{_table(table)}"""
    return _page(f"{ui('glossary', lang)} — crmlab", header, content, lang)


# ---------------------------------------------------------------------------------------------------
# The whole site


def build(
    output: Path,
    *,
    edition: Edition = "instructor",
    execute: bool = True,
    directory: Path = course.NOTEBOOK_DIR,
    progress: bool = True,
    langs: Iterable[Language] = LANGUAGES,
) -> Path:
    """Execute every notebook in each language (``execute=False`` renders the stored outputs) and write
    the site.

    Parameters
    ----------
    output
        The site's folder (replaced). The first language is written at its root, each other language in
        a subfolder named after it (``zh/``); every page links to the same page in the other language.
    edition
        ``"instructor"`` or ``"student"``.
    execute
        Execute the notebooks (a language other than the stored one needs it for its figures and
        feedback).
    directory
        The notebooks and ``course.yaml``.
    progress
        Print a line per notebook executed.
    langs
        The languages to build, ``("en", "zh")`` by default; ``("zh",)`` writes the Chinese site alone at
        the root.

    Returns
    -------
    pathlib.Path
        The path of the first language's ``index.html``.

    Examples
    --------
    What ``make run`` does (it executes every notebook twice, so it is not run here)::

        build(Path("_build/site"))                                 # English, and Chinese in zh/
        build(Path("site-zh"), edition="student", langs=("zh",))   # the Chinese student site alone
    """
    if edition not in ("instructor", "student"):
        raise CrmlabError(f"a site is built in the 'instructor' or 'student' edition, not {edition!r}; "
                          "the nbgrader edition is a course folder: crmlab build --edition nbgrader --output DIR")
    langs = tuple(dict.fromkeys(check_language(lang) for lang in langs))
    if not langs:
        raise CrmlabError(f"give at least one language of {', '.join(LANGUAGES)}")
    output = Path(output)
    if output.exists():
        shutil.rmtree(output)
    for k, lang in enumerate(langs):
        _build_language(output if k == 0 else output / lang, lang, langs, edition=edition, execute=execute,
                        directory=directory, progress=progress)
    return output / "index.html"


def _build_language(output: Path, lang: Language, langs: tuple[Language, ...], *, edition: Edition,
                    execute: bool, directory: Path, progress: bool) -> None:
    cmap = course_map(directory, lang)
    (output / "notebooks").mkdir(parents=True)
    pages = [(Path(nb).with_suffix(".html").name, f"{num} {title.split(' — ')[0].split(':')[0].split('：')[0]}")
             for num, nb, title in zip(cmap.index, cmap["notebook"], cmap["title"])]
    header = _header(pages + [("glossary.html", ui("glossary", lang))], _SWITCH)
    for i, (number, row) in enumerate(cmap.iterrows()):
        source = directory / row["notebook"]
        nb = make_edition(nbformat.read(source, as_version=4), edition, lang=lang)
        target = output / "notebooks" / row["notebook"]
        nbformat.write(nb, target)
        if execute:
            if progress:
                print(f"[{i + 1}/{len(cmap)}] executing {row['notebook']} ({edition} edition, {lang})", flush=True)
            nb = course.execute(target, workdir=directory)
        page = render_notebook(
            nb,
            title=row["title"],
            header=header,
            pager=_pager(pages[i - 1] if i else ("index.html", ui("course_map", lang)),
                         pages[i + 1] if i + 1 < len(pages) else ("glossary.html", ui("glossary", lang))),
            lang=lang,
        )
        (output / pages[i][0]).write_text(_with_switch(page, pages[i][0], lang, langs), encoding="utf-8")
    index = index_page(cmap, header, edition, schedules(directory, cmap, lang), lang)
    (output / "index.html").write_text(_with_switch(index, "index.html", lang, langs), encoding="utf-8")
    glossary = glossary_page(header, lang)
    (output / "glossary.html").write_text(_with_switch(glossary, "glossary.html", lang, langs), encoding="utf-8")
