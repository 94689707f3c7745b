"""The encrypted local replica: SQLCipher engine, keys, models, migrations, search."""
