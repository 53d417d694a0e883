"""raw → processed: reading drops, parsing, rules, deduplication and atomic publishing."""
