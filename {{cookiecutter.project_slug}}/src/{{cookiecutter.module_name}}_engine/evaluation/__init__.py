"""Evaluation that holds for every task (Tip 7): which rows each check fits on, and the protocol at scale."""
