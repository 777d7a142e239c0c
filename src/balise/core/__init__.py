"""Pages and plumbing shared by every part of the site: layout, health check, request ids."""
