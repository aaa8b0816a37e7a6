"""Ethics (Tip 10): the register, findings raised by the run, subgroup performance and the release gate."""
