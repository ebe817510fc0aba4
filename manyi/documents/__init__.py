"""Documents: the forms as Word and PDF (docx.py, pdf.py, layout.py), verification codes
(digest.py), certificates and Excel exports, the campaign archive as a background job
(archive.py, tasks.py) and the import of filled Word forms (importer.py, services.py)."""
