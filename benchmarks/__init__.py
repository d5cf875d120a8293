"""`make bench`: speed figures as ratios against a floor measured in the same run. Never pass/fail."""
