"""Recording situations: the record, its validation and services, and the pages to work with it."""
