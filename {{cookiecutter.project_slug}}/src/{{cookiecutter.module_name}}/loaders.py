"""Readers of data formats the engine does not know (Tip 4).

The engine reads tables (CSV, TSV, Parquet), FASTA files and folders of PNG or TIFF images. A
reader for another format belongs here; until readers can be registered by name, convert the data
with it into one of those formats under data/raw/ and record the result with `data add`, so the
manifest holds the file the study actually read.
"""
