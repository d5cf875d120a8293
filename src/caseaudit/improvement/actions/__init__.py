"""The improvement app's changes of state, one module per topic: the tracker's actions, follow-up audits,
safeguarding concerns and reminders. Every public function here is an action function (`@changes_state`)."""
