"""Malformed and adversarial value-chain YAML files: every one gets a crmlab error naming the key and
the fix, or reads correctly with no warning.

Each case is a small file written by the test: a valid specification (``BASE``) with one line changed,
or a hostile document (alias bomb, deep nesting). ``read_value_chain`` is the entry point users call;
``load_yaml`` and ``parse_yaml`` are tested directly for their own arguments.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from crmlab import valuechain as vc
from crmlab.errors import CrmlabError, CrmlabWarning, DataFileError, ParameterError, SpecificationError
from crmlab.files import load_yaml, parse_yaml

BASE = """\
firm: Corpus shop
currency: EUR
revenue: 1000
margin: 0.2
activities:
  - {activity: inbound_logistics, cost_share: 0.25}
  - {activity: operations, cost_share: 0.30}
  - {activity: outbound_logistics, cost_share: 0.10}
  - {activity: marketing_sales, cost_share: 0.15}
  - {activity: service, cost_share: 0.05}
  - {activity: firm_infrastructure, cost_share: 0.05}
  - {activity: human_resource_management, cost_share: 0.04}
  - {activity: technology_development, cost_share: 0.04}
  - {activity: procurement, cost_share: 0.02}
touchpoints:
  - {key: t1, name: Help desk, activity: service, importance: 6, performance: 4}
initiatives:
  - {key: A, name: Service upgrade, revenue_effect: 0.05, cost_changes: {service: 10}, touchpoint_effects: {t1: 1.5}}
linkages:
  - {source: service, target: technology_development, strength: 3}
"""


def edit(old: str, new: str) -> str:
    """BASE with the one line containing ``old`` replaced by ``new`` (a line or several)."""
    lines = [line for line in BASE.splitlines() if old in line]
    assert len(lines) == 1, old
    return BASE.replace(lines[0], new)


def alias_bomb(levels: int = 9, width: int = 10) -> str:
    rows = ["base: &a0 [" + ", ".join(["lol"] * width) + "]"]
    rows += [f"l{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
    return BASE + "\n".join(rows) + "\n"


# (id, document, error class, fragments every message must contain)
REFUSED = [
    # names where a value of another type was written
    ("firm-is-a-mapping", edit("firm:", "firm:\n  name: Corpus shop"), SpecificationError,
     ["firm must be text, got a mapping {'name': 'Corpus shop'}", "write one value on the line"]),
    ("firm-is-a-list", edit("firm:", "firm: [Corpus, shop]"), SpecificationError,
     ["firm must be text, got a list", "write one value, not a list"]),
    ("firm-is-empty", edit("firm:", "firm:"), SpecificationError, ["firm is empty", "after 'firm:'"]),
    ("firm-is-yes", edit("firm:", "firm: yes"), SpecificationError,
     ["firm must be text, got True", "YAML 1.1 reads an unquoted yes/no/on/off", "put the text in quotes"]),
    ("currency-is-a-mapping", edit("currency:", "currency: {code: EUR}"), SpecificationError,
     ["currency must be text, got a mapping"]),
    ("activity-name-is-a-mapping", edit("{activity: service", "  - {activity: {name: service}, cost_share: 0.05}"),
     SpecificationError, ["activities entry 5: activity must be a name, got a mapping"]),
    ("activity-name-is-a-number", edit("{activity: service", "  - {activity: 5, cost_share: 0.05}"),
     SpecificationError, ["unknown activity '5'", "Porter's nine are"]),
    ("touchpoint-key-is-a-list", edit("key: t1", "  - {key: [t1], name: Help desk, activity: service, "
                                                  "importance: 6, performance: 4}"),
     SpecificationError, ["touchpoints entry 1: key must be a name, got a list ['t1']"]),
    ("touchpoint-key-is-on", edit("key: t1", "  - {key: on, name: Help desk, activity: service, "
                                             "importance: 6, performance: 4}"),
     SpecificationError, ["touchpoints entry 1: key must be a name, got True", "put the text in quotes, e.g. 'no'"]),
    ("touchpoint-activity-is-a-mapping", edit("key: t1", "  - {key: t1, activity: {service: 1}, "
                                                         "importance: 6, performance: 4}"),
     SpecificationError, ["touchpoint 't1': activity must be a name, got a mapping"]),
    ("touchpoint-stage-is-a-list", edit("key: t1", "  - {key: t1, stage: [buy, use], activity: service, "
                                                   "importance: 6, performance: 4}"),
     SpecificationError, ["touchpoint 't1': stage must be text, got a list"]),
    ("initiative-key-is-a-mapping", edit("key: A", "  - {key: {id: A}, revenue_effect: 0.05, "
                                                   "cost_changes: {service: 10}}"),
     SpecificationError, ["initiatives entry 1: key must be a name, got a mapping {'id': 'A'}"]),
    ("linkage-source-is-a-mapping", edit("source:", "  - {source: {activity: service}, target: operations}"),
     SpecificationError, ["linkages entry 1: source must be a name, got a mapping"]),
    ("linkage-target-is-a-list", edit("source:", "  - {source: service, target: [operations, procurement]}"),
     SpecificationError, ["linkages entry 1: target must be a name, got a list"]),
    # numbers written in a form YAML does not read as the number meant
    ("revenue-2e6", edit("revenue:", "revenue: 2e6"), SpecificationError,
     ["revenue must be a number, got '2e6', which is text", "write 2000000 or 2.0e+6"]),
    ("cost-share-25e-2", edit("activity: procurement", "  - {activity: procurement, cost_share: 2e-2}"),
     SpecificationError, ["activity 'procurement': cost_share must be a number, got '2e-2'",
                          "write 0.02 or 2.0e-2"]),
    ("revenue-400-digits", edit("revenue:", "revenue: 1" + "0" * 399), SpecificationError,
     ["revenue must be a number, got a whole number of 400 digits", "larger unit"]),
    ("revenue-1e400-overflows", edit("revenue:", "revenue: 1.0e+400"), SpecificationError,
     ["revenue must be a number, got inf: write a finite number"]),
    ("revenue-inf", edit("revenue:", "revenue: .inf"), SpecificationError,
     ["revenue must be a number, got inf"]),
    ("revenue-nan", edit("revenue:", "revenue: .nan"), SpecificationError,
     ["revenue must be a number, got nan: write a finite number"]),
    ("revenue-leading-zero", edit("revenue:", "revenue: 01000"), SpecificationError,
     ["revenue must be a number, got '01000'", "octal", "write 1000 without the leading zero"]),
    ("revenue-base-60", edit("revenue:", "revenue: 16:40"), SpecificationError,
     ["revenue must be a number, got '16:40'", "base-60"]),
    ("revenue-thousands-separator", edit("revenue:", "revenue: 1,000"), SpecificationError,
     ["revenue must be a number, got '1,000'", "without thousands separators: 1000"]),
    ("revenue-currency-sign", edit("revenue:", "revenue: €1000"), SpecificationError,
     ["revenue must be a number, got '€1000'", "without quotes, units or currency signs"]),
    ("revenue-is-a-date", edit("revenue:", "revenue: 2024-01-01"), SpecificationError,
     ["revenue must be a number, got datetime.date(2024, 1, 1)"]),
    ("margin-percent", edit("margin:", "margin: 20%"), SpecificationError,
     ["margin must be a number, got '20%'", "as a decimal share: 0.2"]),
    ("margin-no", edit("margin:", "margin: no"), SpecificationError,
     ["margin must be a number, got False", "write a number"]),
    ("margin-minus-dot-05", edit("margin:", "margin: -.05"), SpecificationError,
     ["margin must be a number, got '-.05'", "write it with a 0 before the dot: -0.05"]),
    ("importance-fraction", edit("key: t1", "  - {key: t1, activity: service, importance: 6/7, performance: 4}"),
     SpecificationError, ["touchpoint 't1': importance must be a number, got '6/7'"]),
    ("scale-to-infinity", edit("currency:", "currency: EUR\nscale: [1, .inf]"), SpecificationError,
     ["scale must be [lowest, highest] score, e.g. [1, 7], got [1, inf]"]),
    ("effect-on-boolean-touchpoint", edit("key: A", "  - {key: A, revenue_effect: 0.05, cost_changes: {service: 10},"
                                                    " touchpoint_effects: {yes: 1}}"),
     SpecificationError, ["touchpoint_effects key must be a name, got True"]),
    # duplicate keys, and documents that are not one mapping
    ("duplicate-key-in-flow-mapping", edit("key: t1", "  - {key: t1, key: t2, activity: service, "
                                                      "importance: 6, performance: 4}"),
     SpecificationError, ["duplicate key 'key' at line 16 (first at line 16)"]),
    ("empty-file", "", SpecificationError, ["must be a mapping with the keys firm, revenue, margin, activities"]),
    ("only-a-comment", "# firm: to do\n", SpecificationError, ["must be a mapping"]),
    ("top-level-list", "- firm: Corpus shop\n- revenue: 1000\n", SpecificationError, ["must be a mapping"]),
    ("two-documents", BASE + "---\nfirm: Second\n", DataFileError,
     ["not valid YAML", "expected a single document", "line 21"]),
    ("tab-indentation", edit("currency:", "currency:\n\tcode: EUR"), DataFileError,
     ["not valid YAML", "line 3"]),
    ("unclosed-bracket", edit("linkages:", "linkages: [{source: service"), DataFileError,
     ["not valid YAML", "line 19", "expected ',' or '}'"]),
    ("python-object-tag", edit("firm:", "firm: !!python/object/apply:os.system ['echo hi']"), DataFileError,
     ["not valid YAML", "could not determine a constructor", "python/object/apply"]),
    ("unhashable-key", "? [a, b]\n: 1\n", DataFileError, ["not valid YAML", "found unhashable key"]),
    ("control-character", edit("firm:", "firm: Corpus\x07shop"), DataFileError,
     ["not valid YAML", "special characters are not allowed"]),
    # hostile documents: bounded work, crmlab errors
    ("alias-bomb-10-to-the-9", alias_bomb(), SpecificationError,
     ["value chain case.yaml: 1 problem(s)", "expand it to more than 100,000 values (80 aliases in the text)",
      "write the values out"]),
    ("more-than-100-aliases", BASE + "tags: &t x\nmany: [" + ", ".join(["*t"] * 101) + "]\n", SpecificationError,
     ["more than 100 aliases", "line 22", "max_aliases="]),
    ("anchor-inside-itself", BASE + "loop: &loop [a, *loop]\n", SpecificationError,
     ["an anchor (&name) is used inside itself"]),
    ("nesting-5000-flow", BASE + "deep: " + "[" * 5000 + "]" * 5000 + "\n", SpecificationError,
     ["nested more than 50 levels deep (at line 21)", "flatten the structure"]),
    ("nesting-5000-block", BASE + "deep:\n  " + "- " * 5000 + "x\n", SpecificationError,
     ["nested more than 50 levels deep", "max_depth="]),
    ("a-data-set-not-a-specification", BASE + "data: [" + ", ".join(["1"] * 100_001) + "]\n", SpecificationError,
     ["it holds more than 100,000 values", "a specification, not a data set"]),
    ("nesting-5000-mappings", BASE + "deep: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n", SpecificationError,
     ["nested more than 50 levels deep"]),
    # the file itself
    ("gbk-encoded", None, DataFileError,
     ["is not UTF-8 text", "GBK/GB18030", "line 1 would be 'firm: 网上家居用品零售商'", "encoding='gb18030'"]),
]


def _write(tmp_path: Path, text: str | None) -> Path:
    path = tmp_path / "case.yaml"
    if text is None:  # the GBK case: a Chinese firm name saved by Chinese Windows
        path.write_bytes(edit("firm:", "firm: 网上家居用品零售商").encode("gbk"))
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "error", "fragments"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_malformed_value_chain_files_are_refused(tmp_path: Path, text: str | None, error: type[CrmlabError],
                                                  fragments: list[str]) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(error) as info:
        vc.read_value_chain(path)
    assert type(info.value) is error
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message


def test_base_document_is_valid() -> None:
    chain = vc.read_value_chain(parse_yaml(BASE))
    assert chain.firm == "Corpus shop" and chain.revenue == 1000.0 and chain.margin == pytest.approx(200.0)


# (id, document or bytes, keyword arguments, check on the chain)
READ = [
    ("utf8-bom-chinese-name", ("\ufeff" + edit("firm:", "firm: 网上家居用品零售商")).encode("utf-8"), {},
     lambda c: c.firm == "网上家居用品零售商"),
    ("gbk-with-encoding", edit("firm:", "firm: 网上家居用品零售商").encode("gbk"), {"encoding": "gbk"},
     lambda c: c.firm == "网上家居用品零售商"),
    ("gb18030-four-byte-char", edit("firm:", "firm: 𠀀商店").encode("gb18030"), {"encoding": "gb18030"},
     lambda c: c.firm == "𠀀商店"),
    ("utf16-with-bom", edit("firm:", "firm: 商店").encode("utf-16"), {}, lambda c: c.firm == "商店"),
    ("crlf-line-ends", BASE.replace("\n", "\r\n").encode("utf-8"), {}, lambda c: c.revenue == 1000.0),
    ("exponent-with-dot-and-sign", edit("revenue:", "revenue: 1.0e+3").encode(), {}, lambda c: c.revenue == 1000.0),
    ("quoted-no-as-key", edit("key: t1", "  - {key: 'no', activity: service, importance: 6, performance: 4}")
     .replace("{t1: 1.5}", "{'no': 1.5}").encode(), {},
     lambda c: list(c.touchpoints.index) == ["no"] and c.touchpoint_effects.loc["A", "no"] == 1.5),
    ("whole-number-touchpoint-key", edit("key: t1", "  - {key: 1, activity: service, importance: 6, performance: 4}")
     .replace("{t1: 1.5}", "{1: 1.5}").encode(), {},
     lambda c: list(c.touchpoints.index) == ["1"] and c.touchpoint_effects.loc["A", "1"] == 1.5),
    ("small-anchor-reused", (BASE + "notes: &n [a, b]\nmore: *n\n").replace("notes:", "description: ok\nnotes:")
     .encode(), {"max_bytes": 4096}, None),
]


@pytest.mark.parametrize(("data", "kwargs", "check"), [c[1:] for c in READ], ids=[c[0] for c in READ])
def test_well_formed_variants_read_without_warning(tmp_path: Path, data: bytes, kwargs: dict, check) -> None:
    path = tmp_path / "case.yaml"
    path.write_bytes(data)
    if check is None:  # unknown top-level keys are still refused, after a bounded parse
        with pytest.raises(SpecificationError, match="unknown top-level key 'notes'"):
            vc.read_value_chain(path, **kwargs)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chain = vc.read_value_chain(path, **kwargs)
    assert [w for w in caught if issubclass(w.category, CrmlabWarning)] == []
    assert check(chain)


def test_file_larger_than_the_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE)
    size = path.stat().st_size
    with pytest.raises(DataFileError, match=rf"case.yaml has {size:,} bytes, more than the limit of 500.*max_bytes="):
        vc.read_value_chain(path, max_bytes=500)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such file"):
        vc.read_value_chain(tmp_path / "nowhere.yaml")
    with pytest.raises(DataFileError, match="is a folder, not a file"):
        vc.read_value_chain(tmp_path)


# ---------------------------------------------------------------------------------------------------
# load_yaml / parse_yaml arguments

def test_limits_are_arguments(tmp_path: Path) -> None:
    path = tmp_path / "nested.yaml"
    path.write_text("a: {b: {c: [1]}}\n", encoding="utf-8")
    assert load_yaml(path) == {"a": {"b": {"c": [1]}}}
    with pytest.raises(SpecificationError, match="nested more than 3 levels deep"):
        load_yaml(path, max_depth=3)
    assert parse_yaml("a: &x [1, 2]\nb: *x\n", max_aliases=1) == {"a": [1, 2], "b": [1, 2]}
    with pytest.raises(SpecificationError, match="more than 0 aliases"):
        parse_yaml("a: &x [1, 2]\nb: *x\n", max_aliases=0)
    with pytest.raises(SpecificationError, match="more than 5 values"):
        parse_yaml("a: &x [1, 2]\nb: *x\n", max_nodes=5)  # 1 + 2 keys + 2 lists of 2 = 9 values


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"max_depth": -1}, "max_depth=-1 must be a whole number >= 0"),
    ({"max_aliases": 1.5}, "max_aliases=1.5 must be a whole number"),
    ({"max_nodes": True}, "max_nodes=True must be a whole number"),
], ids=["negative-depth", "fractional-aliases", "boolean-nodes"])
def test_limit_arguments_are_checked(kwargs: dict, fragment: str) -> None:
    with pytest.raises(ParameterError, match=fragment):
        parse_yaml("a: 1", **kwargs)


def test_duplicate_keys_raise_unless_collected() -> None:
    with pytest.raises(SpecificationError, match=r"duplicate key 'a' at line 3 \(first at line 1\)"):
        parse_yaml("a: 1\nb: 2\na: 3\n", what="settings")
    found: list[str] = []
    assert parse_yaml("a: 1\nb: 2\na: 3\n", duplicates=found) == {"a": 3, "b": 2}
    assert found == ["duplicate key 'a' at line 3 (first at line 1)"]


def test_merge_keys_are_not_duplicates() -> None:
    """'<<: *base' merges a mapping; a key written next to it overrides the merged one (YAML 1.1 merge)."""
    doc = parse_yaml("base: &b {x: 1, z: 0}\nother:\n  <<: *b\n  x: 2\n")
    assert doc == {"base": {"x": 1, "z": 0}, "other": {"x": 2, "z": 0}}
    with pytest.raises(SpecificationError, match=r"duplicate key 'x' at line 5 \(first at line 4\)"):
        parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\n  x: 2\n  x: 3\n")


def test_numbers_yaml_would_misread_are_kept_as_text() -> None:
    doc = parse_yaml("octal: 010\nbase60: 1:30\nno_dot: 2e6\nhex: 0x1F\nfloat: 1.5e+3\nplain: 1_000\nneg: -7\n")
    assert doc == {"octal": "010", "base60": "1:30", "no_dot": "2e6", "hex": 31, "float": 1500.0,
                   "plain": 1000, "neg": -7}


def test_module_examples() -> None:
    import doctest

    import crmlab.files

    result = doctest.testmod(crmlab.files)
    assert result.attempted >= 4 and result.failed == 0


# ---------------------------------------------------------------------------------------------------
# Notebook parameters given as lists or mappings on the command line (crmlab run -p NAME VALUE)

PARAMETERS = [
    ("unclosed-list", "[Quality, Satisfaction", CrmlabError,
     ["parameter 'blocks': '[Quality, Satisfaction' looks like a list or mapping but is not valid JSON/YAML",
      "quote it for the shell"]),
    ("nesting-3000", "[" * 3000 + "]" * 3000, SpecificationError,
     ["parameter 'blocks': 1 problem(s)", "nested more than 50 levels deep"]),
    ("alias-bomb", "{a: &a [x, x, x, x, x, x, x, x, x, x], " + ", ".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]" for i in range(8)) + "}",
     SpecificationError, ["expand it to more than 100,000 values"]),
    ("duplicate-block", "{Quality: [q1, q2], Quality: [q3]}", SpecificationError,
     ["duplicate key 'Quality' at line 1"]),
]


@pytest.mark.parametrize(("value", "error", "fragments"), [c[1:] for c in PARAMETERS], ids=[c[0] for c in PARAMETERS])
def test_notebook_parameters_are_parsed_within_limits(value: str, error: type[CrmlabError],
                                                      fragments: list[str]) -> None:
    from crmlab.course import parse_parameter

    with pytest.raises(error) as info:
        parse_parameter(value, "blocks")
    assert type(info.value) is error
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)


def test_no_other_yaml_parser_in_the_package() -> None:
    """Users' YAML goes through crmlab.files; only files shipped inside the package may be read directly."""
    import re

    import crmlab

    root = Path(crmlab.__file__).parent
    shipped_only = {"datasets.py", "authoring.py"}  # package data and the package's notebook template
    direct = re.compile(r"\byaml\.(?:safe_)?load\(|\byaml\.(?:unsafe_|full_)?load\(")
    found = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                   if p.name not in shipped_only | {"files.py"} and direct.search(p.read_text(encoding="utf-8")))
    assert found == [], f"parse users' YAML with crmlab.files.load_yaml/parse_yaml, not yaml.load: {found}"
