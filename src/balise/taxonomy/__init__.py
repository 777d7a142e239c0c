"""The data dictionary: versioned vocabularies (data files) with FR/NL/EN labels and mappings."""
