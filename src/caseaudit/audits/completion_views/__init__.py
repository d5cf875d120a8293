"""The pages that complete an audit, one module a page: the task list (and the audit read-only), a section,
the evidence sources, findings and actions, the overall grade, and check and submit (GOV.UK task list
pattern).

Every audit comes from `audits_visible_to(user)`: an audit the user may not see answers 404. Only the
allocated auditor may open the pages that change it (others who may see it get 403); every change goes
through `caseaudit.audits.actions.completion`. A change made on a page someone has since changed raises
EditConflict: the page says so and keeps what the user typed, and nothing of the other person's is lost."""
