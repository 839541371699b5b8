"""Mappings on a DuckLake: the table is migrated there as on the file; mappings are added, used by
an import (listed in its report), kept by its undo, and removed."""

from __future__ import annotations

import pytest
from support.ledgers import own_files

from inspection import importer, lake, mappings, store

pytestmark = [
    pytest.mark.skipif(lake.postgres_bindir() is None,
                       reason="PostgreSQL binaries not installed (apt-get install postgresql)"),
    pytest.mark.timeout(180),
]


def test_mappings_on_the_lake(postgres, tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTION_LAKE_DATA", str(tmp_path / "lake") + "/")
    spec = lake.PREFIX + postgres("t_mappings")
    con = store.connect(spec)
    try:
        assert importer.import_files(con, own_files(), "t").questions is not None
        saved, _ = mappings.add_all(con, [mappings.Mapping("issues", "description", header="巡察反馈问题描述"),
                                          mappings.Mapping("issues", "status", value="已闭环销账", means="已整改")],
                                    "t")
        assert [m.mapping_id for m in saved] == [1, 2]
        result = importer.import_files(con, own_files(), "t")
        assert result.status == "imported" and [m.mapping_id for m in result.mappings] == [1, 2]
        assert con.execute("SELECT count(*) FROM issues WHERE status = 'rectified' AND description IS NOT NULL"
                           ).fetchone()[0] == 2
        importer.undo(con, result.import_id, "t")
        assert len(mappings.load(con)) == 2
        with pytest.raises(mappings.MappingError, match="#1"):
            mappings.add(con, mappings.Mapping("issues", "subcategory", header="巡察反馈问题描述"), "t")
        mappings.remove(con, 1, "t")
        assert [m.mapping_id for m in mappings.load(con)] == [2]
        assert mappings.add(con, mappings.Mapping("issues", "subcategory", header="巡察反馈问题描述"), "t").mapping_id == 3
    finally:
        con.close()
    reader = store.connect(spec, read_only=True)
    try:
        assert [m.field for m in mappings.load(reader)] == ["status", "subcategory"]
    finally:
        reader.close()
