"""The study's description, lab.yaml: read, overridden with -p, validated field by field."""
