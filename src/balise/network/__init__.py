"""Network administration: administrators manage organisations and platform roles."""
