"""The numbers behind a report: code frequencies, co-occurrence and their charts."""
