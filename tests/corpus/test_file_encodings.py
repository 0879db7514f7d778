"""Text files in the encodings students actually save: each is read exactly, or refused with a message
that names the line, the likely encoding and the fix. The entry point is ``crmlab.files.read_text``."""

from __future__ import annotations

import codecs
import gzip
import warnings
from pathlib import Path

import pytest

from crmlab.errors import CrmlabError, CrmlabWarning, DataFileError, ParameterError
from crmlab.files import read_text

CHINESE = "客户价值: 网上家居用品零售商\n满意度: 7\n"

# (id, bytes on disk, encoding=, the text read)
READ = [
    ("utf8", CHINESE.encode("utf-8"), None, CHINESE),
    ("utf8-with-bom", codecs.BOM_UTF8 + CHINESE.encode("utf-8"), None, CHINESE),
    ("utf8-bom-named-utf-8-sig", codecs.BOM_UTF8 + CHINESE.encode("utf-8"), "utf-8-sig", CHINESE),
    ("utf8-bom-named-utf-8", codecs.BOM_UTF8 + CHINESE.encode("utf-8"), "utf-8", CHINESE),
    ("utf16-le-with-bom", CHINESE.encode("utf-16"), None, CHINESE),
    ("utf16-be-with-bom", codecs.BOM_UTF16_BE + CHINESE.encode("utf-16-be"), None, CHINESE),
    ("gbk-named-gbk", CHINESE.encode("gbk"), "gbk", CHINESE),
    ("gbk-named-gb18030", CHINESE.encode("gbk"), "gb18030", CHINESE),
    ("gb18030-four-byte-characters", (CHINESE + "𠀀😀\n").encode("gb18030"), "gb18030", CHINESE + "𠀀😀\n"),
    ("gb2312-named-GB2312", "满意度\n".encode("gb2312"), "GB2312", "满意度\n"),
    ("cp1252-named", "Müßig Café\n".encode("cp1252"), "cp1252", "Müßig Café\n"),
    ("windows-line-ends", CHINESE.replace("\n", "\r\n").encode("utf-8"), None, CHINESE),
    ("old-mac-line-ends", CHINESE.replace("\n", "\r").encode("utf-8"), None, CHINESE),
    ("empty-file", b"", None, ""),
    ("ascii-named-gbk", b"firm: shop\n", "gbk", "firm: shop\n"),
]


@pytest.mark.parametrize(("data", "encoding", "expected"), [c[1:] for c in READ], ids=[c[0] for c in READ])
def test_encodings_read_exactly_without_warning(tmp_path: Path, data: bytes, encoding: str | None,
                                                 expected: str) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert read_text(path, encoding=encoding) == expected
    assert [w for w in caught if issubclass(w.category, CrmlabWarning)] == []


# (id, bytes on disk, encoding=, error class, fragments)
REFUSED = [
    ("gbk-unnamed", CHINESE.encode("gbk"), None, DataFileError,
     ["notes.txt is not UTF-8 text", "at line 1 (byte 0)", "GBK/GB18030 (the default of Chinese Windows)",
      "line 1 would be '客户价值: 网上家居用品零售商'", "pass encoding='gb18030'", "save the file as UTF-8"]),
    ("gbk-second-line", ("firm: shop\n" + CHINESE).encode("gbk"), None, DataFileError,
     ["at line 2 (byte 11)", "line 2 would be '客户价值: 网上家居用品零售商'"]),
    ("gb18030-four-byte-unnamed", "😀 满意\n".encode("gb18030"), None, DataFileError,
     ["GBK/GB18030", "encoding='gb18030'"]),
    ("cp1252-unnamed", "firm: Müßig Café\n".encode("cp1252"), None, DataFileError,
     ["is not UTF-8 text", "Windows-1252", "line 1 would be 'firm: Müßig Café'", "encoding='cp1252'"]),
    ("undecodable-anywhere", b"abc\x81", None, DataFileError,
     ["is not UTF-8 text", "byte b'\\x81' at line 1 (byte 3)", "save the file as UTF-8",
      "or pass encoding= the codec"]),
    ("utf16-without-bom", CHINESE.encode("utf-16-le"), None, DataFileError,
     ["contains NUL bytes", "UTF-16 text without a byte-order mark", "save the file as UTF-8"]),
    ("nul-byte-named-gbk", b"firm\x00shop", "gbk", DataFileError, ["contains NUL bytes"]),
    ("utf8-named-gbk-fails", "客户价值\n".encode("utf-8"), "gbk", DataFileError,
     ["is not valid gbk", "at line 1", "read it without encoding="]),
    ("utf8-bom-named-gb18030", codecs.BOM_UTF8 + b"firm: shop\n", "gb18030", DataFileError,
     ["starts with a UTF-8 byte-order mark, so it is not gb18030 text", "read it without encoding="]),
    ("utf16-bom-named-gbk", "shop\n".encode("utf-16"), "gbk", DataFileError,
     ["starts with a UTF-16 byte-order mark"]),
    ("excel-workbook", b"PK\x03\x04\x14\x00\x06\x00rest of a workbook", None, DataFileError,
     ["is a zip archive (an Excel .xlsx workbook", "not a text file", "CSV UTF-8"]),
    ("old-excel-workbook", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", None, DataFileError,
     ["is an old Office file (.xls or .doc)"]),
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", None, DataFileError, ["is a PDF document"]),
    ("gzip", gzip.compress(b"firm: shop\n"), None, DataFileError, ["is a gzip archive"]),
    ("parquet", b"PAR1\x15\x04", None, DataFileError, ["is a Parquet file"]),
    ("unknown-encoding-name", b"firm: shop\n", "klingon", ParameterError,
     ["encoding='klingon' is not a known text encoding", "'gb18030'"]),
]


@pytest.mark.parametrize(("data", "encoding", "error", "fragments"), [c[1:] for c in REFUSED],
                         ids=[c[0] for c in REFUSED])
def test_unreadable_files_are_refused_clearly(tmp_path: Path, data: bytes, encoding: str | None,
                                              error: type[CrmlabError], fragments: list[str]) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(data)
    with pytest.raises(error) as info:
        read_text(path, encoding=encoding)
    assert type(info.value) is error
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)


def test_utf8_read_as_gb18030_is_flagged_once(tmp_path: Path) -> None:
    """'café' in UTF-8 (63 61 66 C3 A9) is also valid GB18030 ('caf茅'): obeyed, with one warning."""
    path = tmp_path / "notes.txt"
    path.write_bytes("café\n".encode("utf-8"))
    with pytest.warns(CrmlabWarning) as caught:
        text = read_text(path, encoding="gb18030")
    assert text == "caf茅\n"
    assert len([w for w in caught if issubclass(w.category, CrmlabWarning)]) == 1
    assert "is also valid UTF-8" in str(caught[0].message) and "read it without encoding=" in str(caught[0].message)


@pytest.mark.parametrize(("kwargs", "error", "fragment"), [
    ({"max_bytes": 10}, DataFileError, "notes.txt has 55 bytes, more than the limit of 10"),
    ({"max_bytes": 0}, ParameterError, "max_bytes=0 must be a positive whole number"),
    ({"max_bytes": 2.5}, ParameterError, "max_bytes=2.5 must be a positive whole number"),
    ({"what": "the survey notes"}, None, None),
], ids=["over-the-limit", "zero-limit", "fractional-limit", "named-file"])
def test_size_limit(tmp_path: Path, kwargs: dict, error: type[CrmlabError] | None, fragment: str | None) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(CHINESE.encode("utf-8"))
    assert path.stat().st_size == 55
    if error is None:
        assert read_text(path, **kwargs) == CHINESE
        return
    with pytest.raises(error, match=fragment):
        read_text(path, **kwargs)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such file: .*nowhere.txt.*relative paths start at"):
        read_text(tmp_path / "nowhere.txt")
    with pytest.raises(DataFileError, match="is a folder, not a file"):
        read_text(tmp_path)
