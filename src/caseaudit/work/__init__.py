"""Your work: the home page, the short list of what needs the signed-in person now, in panels."""
