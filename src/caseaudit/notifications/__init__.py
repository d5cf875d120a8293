"""Messages to people: what the app tells a person in its own list, and the emails that go through the
outbox. A change of state that someone must act on calls `notify`; nothing sends email directly."""
