"""DNA and protein sequences read from FASTA (Tips 5, 7, 8)."""
