"""Detection aid: a checklist of vulnerabilities and signs, a transparent rule, next steps."""
