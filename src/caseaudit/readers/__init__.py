"""Reading the spreadsheets people upload, shared by the register import (`cases.importing`) and the import of
historical audits (`audits.history_import`): file checks before any parser sees a file (size, kind, zip
limits), every cell read as text, column parsers as polars expressions, row errors, and what the import
commands print. It builds only on the core, so both importers, at any layer, may use it."""
