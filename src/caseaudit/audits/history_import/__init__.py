"""Importing historical audits: years of past results, kept in spreadsheets before caseaudit, loaded as
completed audits (issue 4, scope 8). One module a step: `reading` the file, `validating` its rows,
`planning` the writes against the database, and `check` tying them together for a dry run and for the
import itself, `actions.history.import_audit_history`, which writes.

The file is read and checked as the case register is, with the readers both share (caseaudit.readers): the
same file checks (size, zip bomb), the same column parsers for dates and cohorts, RowError and
ImportRefused, and the same rule: one bad row and nothing is written, every bad row listed."""
