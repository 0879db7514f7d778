"""Schema of the bilingual glossary (``glossary.csv``): its columns and validator (data layer).

One row per term: ``term_en`` (English term, unique), ``term_zh`` (Chinese term, never empty),
``definition`` (English), ``definition_zh`` (Chinese; empty until translated) and ``notebook`` (the
two-digit number of the notebook that introduces the term).
"""

from __future__ import annotations

import pandas as pd

from crmlab.errors import check_rows, require_columns, require_rows

#: Columns of the glossary, in file order.
GLOSSARY_COLUMNS = ("term_en", "term_zh", "definition", "definition_zh", "notebook")


def validate_glossary(glossary: pd.DataFrame) -> pd.DataFrame:
    """Check the glossary: every column present, unique English terms, a Chinese term and an English
    definition on every row, a two-digit notebook number.

    Parameters
    ----------
    glossary : pandas.DataFrame
        The glossary read as text (``dtype=str``, empty cells as ``""``).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`GLOSSARY_COLUMNS` with surrounding spaces removed, rows in file order.

    Raises
    ------
    DataValidationError
        Naming the column, the first offending rows and the fix.

    Examples
    --------
    >>> g = pd.DataFrame({"term_en": ["churn"], "term_zh": ["客户流失"], "definition": ["Customers lost."],
    ...                   "definition_zh": [""], "notebook": ["03"]})
    >>> validate_glossary(g)["term_zh"].tolist()
    ['客户流失']
    """
    require_columns(glossary, GLOSSARY_COLUMNS, what="the glossary")
    require_rows(glossary, what="the glossary")
    out = glossary.loc[:, list(GLOSSARY_COLUMNS)].fillna("").astype(str)
    out = out.apply(lambda column: column.str.strip())
    check_rows(out["term_en"] == "", column="term_en", problem="empty English term",
               fix="write the English term on every row", data=out)
    check_rows(out["term_en"].str.lower().duplicated(keep=False), column="term_en",
               problem="the English term appears more than once (ignoring case)",
               fix="keep one row per term and merge the definitions", data=out)
    check_rows(out["term_zh"] == "", column="term_zh", problem="empty Chinese term",
               fix="give every term its Chinese equivalent", data=out)
    check_rows(out["definition"] == "", column="definition", problem="empty definition",
               fix="define every term in English", data=out)
    check_rows(~out["notebook"].str.fullmatch(r"\d\d"), column="notebook",
               problem="not a two-digit notebook number", fix="write the notebook as 00, 01, ...", data=out)
    return out.reset_index(drop=True)
