"""Tables of measurements, one row per sample."""
