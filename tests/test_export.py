"""Export: read_records as a DataFrame, and csv / parquet / xlsx files, one row per record."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

import extractor
from extractor.store import export, ingest, open_db, read_records, store_extraction

FIX = Path(__file__).parent / "fixtures" / "store"
sys.path.insert(0, str(FIX))
import fake_pipeline  # noqa: E402


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("export")
    shutil.copytree(FIX / "docs", tmp / "docs")
    path = tmp / "e.db"
    ingest([str(tmp / "docs")], path, extract=fake_pipeline.extract)
    conn = open_db(path)
    ex = fake_pipeline.extraction("range.txt", [
        fake_pipeline.spec("Phú Yên", "target_coverage_rate", [97, 98], "2025-12-31",
                           value_text="97-98%", start="2025-01-01")])
    store_extraction(conn, "range.txt", ex)
    conn.close()
    return path


def test_read_records_one_row_per_record_flattened(db):
    df = read_records(db)
    assert len(df) == 17
    assert extractor.read_records(str(db)).equals(df)         # the package-level API
    for col in ("region_name", "region_level", "region_province", "region_code",
                "region_current_province", "scheme", "metric", "value", "value_lo",
                "value_hi", "unit", "qualifier", "period_start", "period_end",
                "compared_to_start", "compared_to_end", "evidence_text", "evidence_start",
                "value_text", "source", "doc_title", "doc_published", "confidence"):
        assert col in df.columns, col
    bg = df[(df.region_name == "Bắc Giang") & (df.metric == "participants")
            & (df.value == 1741540)].iloc[0]
    assert bg.region_code == "24" and bg.region_current_province == "Bắc Ninh"
    assert bg.period_end == "2022-09-30" and bg.year == 2022
    assert bg.value_text == "1.741.540" and bg.doc_title.startswith("Bắc Giang")
    change = df[(df.metric == "participants_change") & (df.region_name == "Thanh Hóa")]
    assert sorted(change.value) == [-47522, 41886]
    assert set(change.compared_to_end) == {"2020-12-31", "2021-12-31"}
    rng = df[df.region_name == "Phú Yên"].iloc[0]
    assert pd.isna(rng.value) and (rng.value_lo, rng.value_hi) == (97, 98)
    assert df.value.dtype == "float64" and str(df.year.dtype) == "Int64"


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx", "jsonl"])
def test_export_round_trip(db, tmp_path, fmt):
    out = tmp_path / f"records.{fmt}"
    n = export(db, out, fmt)
    assert n == 17 and out.stat().st_size > 0
    if fmt == "csv":
        back = pd.read_csv(out)
    elif fmt == "parquet":
        back = pd.read_parquet(out)
    elif fmt == "xlsx":
        back = pd.read_excel(out)
    else:
        back = pd.read_json(out, lines=True)
    assert len(back) == 17
    assert "Đà Nẵng" in set(back.region_name)          # Vietnamese intact
    assert set(back.metric) >= {"participants", "coverage_rate", "participants_change"}
    assert float(back[back.value_text == "1.741.540"].value.iloc[0]) == 1741540


def test_export_format_from_extension_and_errors(db, tmp_path):
    assert export(db, tmp_path / "x.parquet") == 17
    with pytest.raises(ValueError, match="unknown export format"):
        export(db, tmp_path / "x.txt")
    with pytest.raises(FileNotFoundError):
        read_records(tmp_path / "missing.db")
