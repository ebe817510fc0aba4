"""Nominations: the filled forms, self-assessment, eligibility, attachments and commitments."""
