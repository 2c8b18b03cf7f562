//! The `leadscore` command line: migrate, admin create, and the production guard on the JWT secret.

use leadscore::cli::execute;

fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}?mode=rwc", dir.path().join("nested/dir/cli.db").display())
}

#[tokio::test]
async fn migrate_creates_the_database_and_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    execute(["leadscore", "--database-url", &sqlite_url(&dir), "migrate"]).await.unwrap();
    assert!(dir.path().join("nested/dir/cli.db").exists());
    // Idempotent.
    execute(["leadscore", "--database-url", &sqlite_url(&dir), "migrate"]).await.unwrap();
}

#[tokio::test]
async fn admin_create_validates_and_refuses_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let base = ["leadscore", "--database-url", url.as_str(), "--bcrypt-cost", "4", "--storage-dir"];
    let storage = dir.path().join("uploads").display().to_string();
    let run = |extra: &[&str]| {
        let mut args: Vec<String> = base.iter().map(|s| s.to_string()).collect();
        args.push(storage.clone());
        args.extend(extra.iter().map(|s| s.to_string()));
        execute(args)
    };
    let weak = run(&["admin", "create", "--email", "ops@bank.example", "--password", "weak"]).await.unwrap_err();
    assert!(weak.to_string().contains("password"), "{weak}");
    run(&["admin", "create", "--email", "ops@bank.example", "--password", "Str0ng-pass", "--name", "Ops"])
        .await
        .unwrap();
    let again =
        run(&["admin", "create", "--email", "OPS@bank.example", "--password", "Str0ng-pass"]).await.unwrap_err();
    assert!(again.to_string().contains("already registered"), "{again}");

    // The account works: the same database lets it sign in, as Admin.
    let config = leadscore::Config::for_tests(url.clone(), dir.path().join("uploads"));
    let services = leadscore::startup::Services::build(&config).await.unwrap();
    let outcome = services.auth.login("ops@bank.example", "Str0ng-pass", None).await.unwrap();
    assert_eq!(outcome.user.role, leadscore_domain::users::Role::Admin);
    assert_eq!(outcome.user.full_name.as_deref(), Some("Ops"));
}

#[tokio::test]
async fn production_refuses_the_development_secret() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let err = execute([
        "leadscore",
        "--app-env",
        "production",
        "--jwt-secret",
        leadscore::config::DEV_JWT_SECRET,
        "--database-url",
        &url,
        "migrate",
    ])
    .await
    .unwrap_err();
    assert!(err.to_string().contains("JWT_SECRET"), "{err}");
    let short = execute([
        "leadscore",
        "--jwt-secret",
        "short",
        "--database-url",
        &url,
        "--bcrypt-cost",
        "4",
        "admin",
        "create",
        "--email",
        "a@b.example",
        "--password",
        "Str0ng-pass",
    ])
    .await
    .unwrap_err();
    assert!(format!("{short:#}").contains("32 bytes"), "{short:#}");
    assert!(!format!("{short:#}").contains("short\""), "the secret itself is never echoed");
}
