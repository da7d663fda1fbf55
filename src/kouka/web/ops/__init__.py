"""Operations on a whole database: bulk loading, backup and restore, the Parquet export, fast inserts, the demo."""
