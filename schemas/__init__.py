"""Records in flight, SQLModel tables, the store and its migrations."""
