"""People and organisations: accounts, roles, MFA, invitations, login throttling."""
