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
from crmlab.errors import CrmlabError
from crmlab.files import load_yaml

Edition = Literal["instructor", "student"]  # the editions a site is built in (nbgrader: editions.py)
TEMPLATES = Path(__file__).with_name("templates")
GLOSSARY = datasets.DATA_DIR / "glossary.csv"
SITE_TITLE = "crmlab — customer relationship management analytics"

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
    return data


def course_map(directory: Path = course.NOTEBOOK_DIR) -> pd.DataFrame:
    """One row per notebook: title, minutes, prerequisites, learning objectives and datasets.

    Minutes, prerequisites and datasets come from ``notebooks/course.yaml``; the title and objectives
    from the notebook itself (its first heading and the list under "Learning objectives").
    """
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
                "title": notebook_title(nb),
                "minutes": int(entry["minutes"]),
                "prerequisites": ", ".join(str(p) for p in entry["prerequisites"]),
                "objectives": learning_objectives(nb),
                "data": list(entry.get("data", [])),
            }
        )
    return pd.DataFrame(rows).set_index("number")


def schedules(directory: Path = course.NOTEBOOK_DIR, cmap: pd.DataFrame | None = None) -> pd.DataFrame:
    """The suggested teaching plans of ``course.yaml``, one row per session, checked against the course.

    Columns: ``schedule``, ``title``, ``audience``, ``session`` (1, 2, …), ``name``, ``notebooks``
    (numbers), ``exercises`` (ids; ``all`` in the file expands to every registered exercise of the
    session's notebooks), ``minutes``, ``study_minutes`` (the course map's time for those notebooks)
    and ``grade`` (nbgrader assignments, i.e. notebook names, to grade after the session).

    Raises :class:`~crmlab.errors.CrmlabError` when a session names a notebook that is not in the course
    map, an exercise that is not registered or belongs to another notebook, a non-positive time, or an
    assignment to grade before its notebook has been taught.
    """
    from crmlab.course.exercises import exercises

    cmap = course_map(directory) if cmap is None else cmap
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
                    "schedule": sid, "title": plan.get("title", sid), "audience": plan.get("audience", ""),
                    "session": number, "name": session.get("name", f"Session {number}"),
                    "notebooks": notebooks, "exercises": ids, "minutes": minutes,
                    "study_minutes": int(sum(cmap.loc[n, "minutes"] for n in notebooks)), "grade": grade,
                }
            )
    columns = ["schedule", "title", "audience", "session", "name", "notebooks", "exercises", "minutes",
               "study_minutes", "grade"]
    return pd.DataFrame(rows, columns=columns)


def notebook_title(nb: nbformat.NotebookNode) -> str:
    """The notebook's first level-1 heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if match:
                return match.group(1).strip()
    raise CrmlabError("the notebook has no level-1 heading ('# Title') to use as its title")


def learning_objectives(nb: nbformat.NotebookNode) -> list[str]:
    """The bullet list under the notebook's "Learning objectives" heading, one string per bullet.

    A bullet wrapped over several lines is joined into one sentence (continuation lines need not be
    indented, as in Markdown); the list ends at the next heading or at a paragraph after a blank line.
    """
    bullet = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        match = re.search(r"^#+\s*Learning objectives\s*$(.*?)(?=^#|\Z)", cell.source, re.M | re.S | re.I)
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


def render_notebook(nb: nbformat.NotebookNode, *, title: str, header: str, pager: str) -> str:
    """HTML of one executed notebook, with the site header, a table of contents and the pager."""
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
    body = re.sub(r"<img (?![^>]*\balt=)", lambda m: f'<img alt="{html.escape(title)}: figure {next(figure)}" ', body)
    return body.replace("<!--crmlab-toc-->", table_of_contents(body))


def table_of_contents(page: str) -> str:
    """Nested list of links to the page's h2 and h3 headings (the ids nbconvert gives them)."""
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
    return "<strong>Contents</strong>" + "".join(out)


_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?!\s)([^$]+?)(?<!\s)\$(?![\w$])")


def mathml(page: str) -> str:
    """Replace ``$…$`` and ``$$…$$`` in the rendered markdown cells with MathML (rendered by browsers)."""
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


def _header(pages: Iterable[tuple[str, str]]) -> str:
    links = "".join(f'<a href="{href}">{html.escape(label)}</a>' for href, label in pages)
    return f'<header class="crmlab-header"><a class="crmlab-brand" href="index.html">crmlab</a>{links}</header>'


def _pager(prev: tuple[str, str] | None, nxt: tuple[str, str] | None) -> str:
    left = f'<a rel="prev" href="{prev[0]}">← {html.escape(prev[1])}</a>' if prev else "<span></span>"
    right = f'<a rel="next" href="{nxt[0]}">{html.escape(nxt[1])} →</a>' if nxt else "<span></span>"
    return f'<nav class="crmlab-pager">{left}{right}</nav>'


def _page(title: str, header: str, content: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<title>{html.escape(title)}</title>\n<link rel="icon" href="data:,">\n<style>{CSS}</style>\n</head>\n'
        f'<body class="crmlab-page">\n{header}\n<div class="crmlab-layout"><main class="crmlab-content">\n'
        f"{content}\n</main></div>\n</body>\n</html>\n"
    )


def _table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, escape=False, border=0)


def schedules_html(plans: pd.DataFrame, cmap: pd.DataFrame) -> str:
    """The teaching plans as HTML: per schedule a heading, its audience and a table of sessions."""
    if plans.empty:
        return ""
    out = ['<h2 id="teaching-plans">Teaching plans</h2>',
           "<p>Suggested schedules (from <code>notebooks/course.yaml</code>). Graded assignments are the "
           "notebooks of the nbgrader edition: <code>crmlab build --edition nbgrader --output DIR</code>.</p>"]
    for sid, plan in plans.groupby("schedule", sort=False):
        first = plan.iloc[0]
        hours = plan["minutes"].sum() / 60
        out.append(f'<h3 id="plan-{html.escape(sid)}">{html.escape(first["title"])}</h3>')
        audience = first["audience"][:1].upper() + first["audience"][1:]
        out.append(f"<p>{html.escape(audience)}; {len(plan)} sessions, {hours:g} hours in all.</p>")
        rows = []
        for _, s in plan.iterrows():
            links = ", ".join(
                f'<a href="{Path(cmap.loc[n, "notebook"]).with_suffix(".html").name}">{n}</a>' for n in s["notebooks"]
            )
            rows.append(
                {
                    "Session": f"{s['session']}. {html.escape(s['name'])}",
                    "Notebooks": links,
                    "Exercises": ", ".join(s["exercises"]) or "none (practice on your own data)",
                    "Time": f"{s['minutes']} min",
                    "Grade": ", ".join(f"<code>{html.escape(g)}</code>" for g in s["grade"]) or "—",
                }
            )
        out.append(_table(pd.DataFrame(rows)))
    return "\n".join(out)


def index_page(cmap: pd.DataFrame, header: str, edition: Edition, plans: pd.DataFrame | None = None) -> str:
    """The course map, the teaching plans, how to run it, the data sources."""
    rows = []
    for number, row in cmap.iterrows():
        href = Path(row["notebook"]).with_suffix(".html").name
        objectives = "".join(f"<li>{inline_markdown(o)}</li>" for o in row["objectives"])
        rows.append(
            {
                "#": number,
                "Notebook": f'<a href="{href}">{html.escape(row["title"])}</a>'
                f'<br><small><a href="notebooks/{row["notebook"]}">download the notebook</a></small>',
                "You will learn to": f"<ul>{objectives}</ul>",
                "Time": f"{row['minutes']} min",
                "Prerequisites": html.escape(row["prerequisites"]),
            }
        )
    from crmlab import datasets

    cat = datasets.catalogue().reset_index()
    data = pd.DataFrame(
        {
            "Dataset": "<code>" + cat["name"] + "</code>",
            "Real or synthetic": cat["synthetic"].map({True: "synthetic", False: "real"}),
            "Source": cat["source"].map(html.escape),
            "Licence": cat["licence"].map(html.escape),
        }
    )
    total = cmap["minutes"].sum()
    content = f"""
<h1>{html.escape(SITE_TITLE)}</h1>
<p>A course in customer relationship management analytics: customer value, the value chain, customer
lifetime value with "buy till you die" models, satisfaction surveys and CRM adoption by firm size.
Every page is a notebook executed on the bundled data ({edition} edition), about
{total / 60:.0f} hours of study in all.</p>
<h2 id="course-map">Course map</h2>
{_table(pd.DataFrame(rows))}
{schedules_html(plans, cmap) if plans is not None else ""}
<h2 id="run">Run it yourself</h2>
<pre>make run    # execute every notebook and build this site
make test   # unit tests and nbval over every notebook
make lab    # open the notebooks in JupyterLab</pre>
<h2 id="data">Data sources</h2>
{_table(data)}
<p>See also the <a href="glossary.html">English–Chinese glossary</a> of CRM terms.</p>
"""
    return _page(SITE_TITLE, header, content)


def inline_markdown(text: str) -> str:
    """One line of markdown (code, emphasis, links, ``$math$``) as inline HTML."""
    from latex2mathml.converter import convert
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    rendered = markdown2html_mistune(text).strip()
    rendered = re.sub(r"^<p>(.*)</p>$", r"\1", rendered, flags=re.S)
    return _INLINE_MATH.sub(lambda m: convert(html.unescape(m.group(1))), rendered)


def load_glossary(path: Path = GLOSSARY) -> pd.DataFrame:
    """The bilingual glossary: ``term_en``, ``term_zh``, ``definition``, ``notebook``."""
    glossary = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"term_en", "term_zh", "definition", "notebook"} - set(glossary.columns)
    if missing:
        raise CrmlabError(f"{path.name} lacks the columns {sorted(missing)}")
    return glossary


def glossary_page(header: str) -> str:
    glossary = load_glossary().sort_values("term_en", key=lambda s: s.str.lower())
    pages = {p.name[:2]: p.with_suffix(".html").name for p in course.notebooks()}
    table = pd.DataFrame(
        {
            "English": "<b>" + glossary["term_en"].map(html.escape) + "</b>",
            "中文": glossary["term_zh"].map(html.escape),
            "Meaning": glossary["definition"].map(html.escape),
            "Notebook": glossary["notebook"].map(
                lambda n: f'<a href="{pages.get(n, "index.html")}">{html.escape(n)}</a>' if n else ""
            ),
        }
    )
    content = f"""<h1 id="glossary">Glossary · 术语表</h1>
<p>The core terms of the course in English and Chinese, with the notebook where each is introduced.</p>
{_table(table)}"""
    return _page("Glossary — crmlab", header, content)


# ---------------------------------------------------------------------------------------------------
# The whole site


def build(
    output: Path,
    *,
    edition: Edition = "instructor",
    execute: bool = True,
    directory: Path = course.NOTEBOOK_DIR,
    progress: bool = True,
) -> Path:
    """Execute every notebook (``execute=False`` renders the stored outputs) and write the site.

    Writes ``index.html``, one page per notebook, ``glossary.html`` and the edition's notebooks under
    ``notebooks/``; returns the path of ``index.html``.
    """
    if edition not in ("instructor", "student"):
        raise CrmlabError(f"a site is built in the 'instructor' or 'student' edition, not {edition!r}; "
                          "the nbgrader edition is a course folder: crmlab build --edition nbgrader --output DIR")
    cmap = course_map(directory)
    output = Path(output)
    if output.exists():
        shutil.rmtree(output)
    (output / "notebooks").mkdir(parents=True)
    pages = [(Path(nb).with_suffix(".html").name, f"{num} {title.split(' — ')[0].split(':')[0]}")
             for num, nb, title in zip(cmap.index, cmap["notebook"], cmap["title"])]
    header = _header(pages + [("glossary.html", "Glossary")])
    for i, (number, row) in enumerate(cmap.iterrows()):
        source = directory / row["notebook"]
        nb = make_edition(nbformat.read(source, as_version=4), edition)
        target = output / "notebooks" / row["notebook"]
        nbformat.write(nb, target)
        if execute:
            if progress:
                print(f"[{i + 1}/{len(cmap)}] executing {row['notebook']} ({edition} edition)", flush=True)
            nb = course.execute(target, workdir=directory)
        page = render_notebook(
            nb,
            title=row["title"],
            header=header,
            pager=_pager(pages[i - 1] if i else ("index.html", "Course map"),
                         pages[i + 1] if i + 1 < len(pages) else ("glossary.html", "Glossary")),
        )
        (output / pages[i][0]).write_text(page, encoding="utf-8")
    (output / "index.html").write_text(index_page(cmap, header, edition, schedules(directory, cmap)),
                                       encoding="utf-8")
    (output / "glossary.html").write_text(glossary_page(header), encoding="utf-8")
    return output / "index.html"
