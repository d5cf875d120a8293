"""Serving the web app: `caseaudit serve` (gunicorn, with settings fit for production), its request log, and
`/healthz`, which a load balancer or monitor asks whether this copy of the service can work."""
