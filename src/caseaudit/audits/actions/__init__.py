"""State changes of the audits app, one module per topic."""
