"""Staff accounts: the QA lead and the administrator add the people who use the service, change their role,
team and place in the register, switch accounts off and on again, and on-board a team from a spreadsheet.
New people choose their own password from a single-use link. Pages, `caseaudit users ...` and the import
all change accounts through `actions`."""
