"""Reviews: recommendation (推荐), the secretariat's formal check, panels, scores, decisions and
the public notice."""
