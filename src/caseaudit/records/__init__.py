"""Data rights and the database's lifecycle, from the command line: backups and restores of the whole
database, and subject access requests (everything held about a child or a member of staff)."""
