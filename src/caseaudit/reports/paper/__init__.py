"""The committee paper for a cycle (issue 5, scope 4): gathered once into a `Paper` (context.py), written as
a web page or standalone HTML (html.py), PDF (pdf.py) and Word (docx.py)."""
