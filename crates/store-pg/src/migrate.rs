//! Schema migrations: numbered SQL files applied in order, each once, whoever starts first.
//!
//! Several workers may start together against a new database. Each takes the same
//! session advisory lock before reading `schema_migrations`, so one applies the pending
//! files while the others wait and then find nothing to do. Each file is applied in its
//! own transaction together with its row in `schema_migrations`.

use tokio_postgres::{Config, NoTls};
use waspada_store::{Result, StoreError};

use crate::error::backend;
use crate::{LOCK_MIGRATE, LOCK_SPACE};

/// The migrations, in order: index `i` is version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_lsh_key_article.sql"),
    include_str!("migrations/0003_workplace.sql"),
];

/// Schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the schema of the database `config` names up to date on a connection of its own
/// (dropped after, which also releases the lock if anything failed half-way).
pub(crate) async fn migrate(config: &Config) -> Result<()> {
    let (mut client, connection) = config
        .connect(NoTls)
        .await
        .map_err(backend("connect to PostgreSQL"))?;
    let driver = tokio::spawn(async move {
        // The connection's own errors surface as errors of the queries on it.
        let _ = connection.await;
    });
    let outcome = apply(&mut client).await;
    drop(client);
    let _ = driver.await;
    outcome
}

async fn apply(client: &mut tokio_postgres::Client) -> Result<()> {
    client
        .execute(
            "SELECT pg_advisory_lock($1, $2)",
            &[&LOCK_SPACE, &LOCK_MIGRATE],
        )
        .await
        .map_err(backend("wait for other processes' schema migrations"))?;
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version     INTEGER PRIMARY KEY,
                 applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .await
        .map_err(backend("create the schema_migrations table"))?;
    let found: i64 = client
        .query_one(
            "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_migrations",
            &[],
        )
        .await
        .map_err(backend("read the schema version"))?
        .get(0);
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = (i + 1) as i32;
        let tx = client
            .transaction()
            .await
            .map_err(backend("begin a schema migration"))?;
        tx.batch_execute(sql)
            .await
            .map_err(backend("apply a schema migration"))?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&version],
        )
        .await
        .map_err(backend("record a schema migration"))?;
        tx.commit()
            .await
            .map_err(backend("commit a schema migration"))?;
    }
    client
        .execute(
            "SELECT pg_advisory_unlock($1, $2)",
            &[&LOCK_SPACE, &LOCK_MIGRATE],
        )
        .await
        .map_err(backend("release the schema migration lock"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use waspada_store::{StoreError, StoreOptions};

    use crate::testing::TempPostgres;
    use crate::{PgRecords, SCHEMA_VERSION};

    /// Connecting again applies nothing twice; a database from a newer build is refused
    /// and left as it was.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn migrations_apply_once_and_refuse_a_newer_schema() {
        let Some(pg) = TempPostgres::for_test() else {
            return;
        };
        let first = PgRecords::connect(pg.url(), StoreOptions::default())
            .await
            .expect("first connect");
        let again = PgRecords::connect(pg.url(), StoreOptions::default())
            .await
            .expect("second connect");
        assert_eq!(again.schema_version().await.unwrap(), SCHEMA_VERSION);
        let client = first.client().await.unwrap();
        let rows: i64 = client
            .query_one("SELECT COUNT(*) FROM schema_migrations", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(rows, SCHEMA_VERSION);
        client
            .execute("INSERT INTO schema_migrations (version) VALUES (999)", &[])
            .await
            .unwrap();
        match PgRecords::connect(pg.url(), StoreOptions::default()).await {
            Err(StoreError::TooNew {
                found: 999,
                supported,
            }) => {
                assert_eq!(supported, SCHEMA_VERSION)
            }
            Err(e) => panic!("expected a refusal of the newer schema, got {e}"),
            Ok(_) => panic!("expected a refusal of the newer schema"),
        }
    }
}
