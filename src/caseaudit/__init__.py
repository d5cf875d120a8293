"""caseaudit: case file audits for children's services."""
