"""Reports built from a run's artifacts: the HTML index, model card, DOME, REFORMS and the datasheet."""
