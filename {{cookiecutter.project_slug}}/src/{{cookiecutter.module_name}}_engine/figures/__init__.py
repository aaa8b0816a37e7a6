"""Figures of the notebooks, drawn without pyplot's global state and kept readable whatever the labels."""
