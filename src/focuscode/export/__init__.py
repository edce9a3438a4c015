"""Exports: theme summaries with attributed quotes, tables, REFI-QDA."""
