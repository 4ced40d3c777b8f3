"""What a failed validation reports (records, messages, variants), and the normalized copy of a valid one."""
