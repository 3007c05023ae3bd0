-- The compose file's PostgreSQL holds two databases: gaptrack's store (POSTGRES_DB)
-- and the Prefect server's own.
CREATE DATABASE prefect OWNER gaptrack;
