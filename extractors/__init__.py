"""The E of ETL: discover, fetch, parse and extract metrics. Pure: no Prefect, no database."""
