-- Migration 4: mappings (DATA_CONTRACT "Mapping what the contract does not know"). An office's own
-- header for a field (header set) or its own word for a vocabulary value (value and means set),
-- answered once and applied to every later import. Undoing an import keeps them.
CREATE TABLE IF NOT EXISTS mappings (
    mapping_id  INTEGER PRIMARY KEY,
    table_name  VARCHAR NOT NULL,   -- roster | inspections | issues
    field       VARCHAR NOT NULL,   -- a field of the contract's table
    header      VARCHAR,            -- a header mapping: the header as normalised (contract.normalise_header)
    value       VARCHAR,            -- a value mapping: the value as normalised (mappings.value_key)
    means       VARCHAR,            -- a value mapping: the contract's value (status code, level code, mode, ...)
    created_by  VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
