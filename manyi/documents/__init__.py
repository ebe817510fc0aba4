"""Documents: Word/PDF generation, certificates, exports, the archive and Word import.

Nothing here yet: the documents issue builds it on top of nominations and reviews.
"""
