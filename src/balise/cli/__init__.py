"""The `balise` command: organisation-side subcommands without Django, server-side ones with it."""
