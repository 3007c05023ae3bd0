"""Great Expectations suites and the validate stage.

``observations.json`` is the suite every extracted ``Observation`` must pass;
``validate.validate`` splits a batch into accepted rows and rejected rows with the
names of the expectations they failed. See ``README.md`` in this folder.
"""
