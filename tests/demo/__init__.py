"""Tests of the bundled demo site and the golden extraction set."""
