"""The audits app's action functions, one module per topic: every change of state an audit goes through."""
