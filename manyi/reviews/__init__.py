"""Reviews: endorsement, formal check, panels, scores, decisions and the public notice.

Nothing here yet: the review issue builds it on top of nominations.
"""
