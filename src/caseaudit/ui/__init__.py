"""What every page shares: GOV.UK form widgets, the base forms, and the helper that turns a submitted
form into a call of an action function."""
