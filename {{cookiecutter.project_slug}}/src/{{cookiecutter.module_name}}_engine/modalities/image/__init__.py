"""Microscopy images read from a folder of PNG or TIFF files (Tips 5, 9)."""
