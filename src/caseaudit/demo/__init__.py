"""The synthetic demo authority: a register, staff and accounts, a cycle under way, past autumns and a
tracker with work in it, all generated and made through the same action functions people use. It builds
on every other app, so it sits on top of them; nothing below imports it."""
