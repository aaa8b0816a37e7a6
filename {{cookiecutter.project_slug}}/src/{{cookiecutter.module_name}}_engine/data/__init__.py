"""Data and provenance (Tip 4): reading the study's data, the manifest of input files, exploring what is in them."""
