use crate::support::*;
use paydesk_core::app::DATABASE_FILE;
use paydesk_core::Paydesk;

#[tokio::test]
async fn data_survives_closing_and_reopening_the_folder() {
    let t = app().await;
    let zoe = client(&t.app, "Zoë").await;
    let inv = t
        .app
        .create_invoice(&invoice_input(zoe, vec![line("Cut", "1", "45.50", "20")]))
        .await
        .unwrap();
    let before = t.app.invoice(inv.id).await.unwrap();
    t.app.database().pool().close().await;
    let reopened = Paydesk::open(t.dir.path()).await.unwrap();
    assert_eq!(reopened.invoice(inv.id).await.unwrap(), before);
}

#[tokio::test]
async fn the_database_runs_in_wal_mode_with_foreign_keys_enforced() {
    let t = app().await;
    let pool = t.app.database().pool();
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(fk, 1);
    let orphan = sqlx::query("INSERT INTO invoices (client_id, currency, issue_date, due_date, created_at, updated_at) VALUES (999, 'EUR', '2026-01-01', '2026-01-01', 'x', 'x')")
        .execute(pool)
        .await;
    assert!(
        orphan.is_err(),
        "an invoice for a missing client is refused by the database too"
    );
}

#[tokio::test]
async fn a_backup_is_a_complete_database_and_never_overwrites_a_file() {
    let t = app().await;
    let zoe = client(&t.app, "Zoë").await;
    let inv = t
        .app
        .create_invoice(&invoice_input(zoe, vec![line("Cut", "1", "45", "0")]))
        .await
        .unwrap();
    let dest_dir = tempfile::tempdir().unwrap();
    let dest = dest_dir.path().join(DATABASE_FILE);
    t.app.backup(&dest).await.unwrap();
    let e = t.app.backup(&dest).await.unwrap_err();
    assert!(e.to_string().contains("already exists"), "{e}");
    let restored = Paydesk::open(dest_dir.path()).await.unwrap();
    assert_eq!(
        restored.invoice(inv.id).await.unwrap(),
        t.app.invoice(inv.id).await.unwrap()
    );
    assert_eq!(snapshot(&restored).await, snapshot(&t.app).await);
}

#[tokio::test]
async fn an_existing_file_is_copied_before_it_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    // A file from an older Paydesk: migration table present, this version's migrations not applied.
    {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", path.display()))
            .await
            .unwrap();
        sqlx::query(
            "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
             installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL,
             checksum BLOB NOT NULL, execution_time BIGINT NOT NULL)",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query("CREATE TABLE keepsake (note TEXT)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO keepsake VALUES ('from before')")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
    Paydesk::open(dir.path()).await.unwrap();
    let backups: Vec<_> = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let copy = sqlx::SqlitePool::connect(&format!("sqlite://{}", backups[0].display()))
        .await
        .unwrap();
    let (note,): (String,) = sqlx::query_as("SELECT note FROM keepsake")
        .fetch_one(&copy)
        .await
        .unwrap();
    assert_eq!(note, "from before");
    let (tables,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sqlite_master WHERE name = 'invoices'")
            .fetch_one(&copy)
            .await
            .unwrap();
    assert_eq!(tables, 0, "the copy is from before the migration");

    // Opening an up-to-date file makes no further copy.
    Paydesk::open(dir.path()).await.unwrap();
    assert_eq!(
        std::fs::read_dir(dir.path().join("backups"))
            .unwrap()
            .count(),
        1
    );
}
