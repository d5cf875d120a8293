"""Subject access requests: everything caseaudit holds about one child (`child.py`) or one member of staff
(`staff.py`), as files a person can read (CSV and HTML) in a zip with a README (`package.py`)."""
