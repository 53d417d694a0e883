"""Pure transforms: typed raw DataFrame (+ reference DataFrames) in, processed DataFrame out.

Each module exposes REFERENCES (the tables it looks up) and
`transform(raw, refs, run_id) -> DataFrame`. A transform adds the contract's columns and
keeps every input row and every `_`-prefixed lineage column; it never reads or writes.
"""
