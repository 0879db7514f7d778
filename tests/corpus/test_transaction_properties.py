"""Property-based hunt for silent errors in the transaction-log contract (hypothesis).

Random logs mix good and bad ids, dates (in and out of range, with and without UTC offsets, unparsable)
and amounts (negative, infinite, missing words, huge). For each, the pandas and the DuckDB engine must
either both refuse it with a :class:`~crmlab.errors.CrmlabError`, or both return the same summary, in
which the sum of (frequency + 1) over customers equals the number of distinct (customer, period) pairs
up to the observation end, counted here independently of crmlab from the generating datetimes.
"""

from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmlab import clv
from crmlab.clv import scale
from crmlab.errors import CrmlabError

IDS = st.sampled_from(["a", "b", "c", "1", "1.0", "NULL", "客户7", " d ", "", None])
GOOD_DAYS = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2030, 12, 31))
ANY_DAYS = st.one_of(GOOD_DAYS, GOOD_DAYS, GOOD_DAYS,
                     st.datetimes(min_value=dt.datetime(1001, 1, 1), max_value=dt.datetime(9999, 12, 31)))
OFFSETS = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: dt.timedelta(minutes=15 * (m // 15)))
AMOUNTS = st.one_of(
    st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: f"{x:.2f}"),
    st.sampled_from(["-3", "inf", "NA", "1e308", "12,5", "", "0"]),
)


def _text(moment: dt.datetime, offset: dt.timedelta | None) -> str:
    if offset is None:
        return moment.strftime("%Y-%m-%d %H:%M:%S") if moment.year >= 1000 else moment.isoformat(sep=" ")
    local = moment + offset
    sign = "+" if offset >= dt.timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds() // 60))
    return local.strftime("%Y-%m-%d %H:%M:%S") + f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def logs(draw):
    n = draw(st.integers(min_value=1, max_value=12))
    ids = draw(st.lists(IDS, min_size=n, max_size=n))
    moments = draw(st.lists(ANY_DAYS, min_size=n, max_size=n))
    style = draw(st.sampled_from(["naive", "aware", "mixed"]))
    offsets = [None if style == "naive" or (style == "mixed" and i % 2) else draw(OFFSETS) for i in range(n)]
    texts = [_text(m, o) for m, o in zip(moments, offsets)]
    if draw(st.booleans()) and draw(st.booleans()):
        texts[draw(st.integers(0, n - 1))] = draw(st.sampled_from(["yesterday", "2024-13-01", ""]))
    amounts = draw(st.lists(AMOUNTS, min_size=n, max_size=n))
    freq = draw(st.sampled_from(["h", "D", "W", "M"]))
    end = draw(st.one_of(st.none(), GOOD_DAYS))
    return pd.DataFrame({"customer_id": ids, "date": texts, "amount": amounts}), moments, freq, end


def _period(moment: dt.datetime, freq: str) -> int:
    """Period numbers computed without crmlab: hours, days, Monday weeks, calendar months."""
    day = moment.toordinal() - dt.date(1970, 1, 1).toordinal()
    return {"h": day * 24 + moment.hour, "D": day, "W": (day + 3) // 7, "M": moment.year * 12 + moment.month}[freq]


def _summaries(frame: pd.DataFrame, path, freq: str, end):
    results = []
    for run in (lambda: clv.rfm_summary(frame, monetary_col="amount", freq=freq, observation_end=end),
                lambda: scale.rfm_summary_duckdb(path, monetary_col="amount", freq=freq, observation_end=end)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                results.append(run())
            except CrmlabError as exc:
                results.append(exc)
    return results


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=logs())
def test_refused_alike_or_summarised_alike_and_counted(case, tmp_path):
    log, moments, freq, end = case
    path = tmp_path / "log.csv"
    log.to_csv(path, index=False)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    pandas, duck = _summaries(frame, path, freq, end)
    if isinstance(pandas, Exception) or isinstance(duck, Exception):
        assert isinstance(pandas, CrmlabError) and isinstance(duck, CrmlabError), (pandas, duck)
        return
    pd.testing.assert_frame_equal(duck, pandas, check_exact=False, rtol=1e-9)
    utc = moments  # the generating datetimes are UTC; offsets were added to the text only
    last = _period(max(utc), freq) if end is None else _period(end, freq)
    pairs = {(str(c), _period(m, freq)) for c, m in zip(frame["customer_id"], utc) if _period(m, freq) <= last}
    assert int((pandas["frequency"] + 1).sum()) == len(pairs)
    assert (pandas["recency"] <= pandas["T"]).all() and (pandas["recency"] >= 0).all()
