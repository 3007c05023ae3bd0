"""Great Expectations suites and the validate stage."""
