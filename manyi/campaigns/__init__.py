"""Campaigns: the year's selection, its categories, phases and rubrics."""
