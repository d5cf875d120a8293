"""What every request and response passes through, below every app: who the client is (`client.py`),
keeping pages out of caches (`no_store.py`), and keeping secret links out of the logs
(`log_redaction.py`). It imports no app, so that every app may use it."""
