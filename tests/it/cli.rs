//! The `leadscore` command line: migrate, admin create, and the production guard on the JWT secret.

use leadscore::cli::execute;
use leadscore_tests::fixtures::BANK_SAMPLE;
use leadscore_tests::model::BUNDLED_MODEL_DIR as MODEL_DIR;

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
    let base =
        ["leadscore", "--database-url", url.as_str(), "--model-dir", MODEL_DIR, "--bcrypt-cost", "4", "--storage-dir"];
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

#[tokio::test]
async fn the_demo_seed_scores_every_customer_and_a_missing_model_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let demo = BANK_SAMPLE;
    execute(["leadscore", "--database-url", &url, "--model-dir", MODEL_DIR, "seed", "--demo", demo]).await.unwrap();
    let config = leadscore::Config::for_tests(url.clone(), dir.path().join("uploads"));
    let services = leadscore::startup::Services::build(&config).await.unwrap();
    let admin = leadscore_application::Caller { id: uuid::Uuid::now_v7(), role: leadscore_domain::users::Role::Admin };
    let all = leadscore_application::customers::CustomerFilter::default();
    let page = leadscore_domain::pagination::PageRequest::new(1, 100).unwrap();
    let sort = leadscore_application::customers::CustomerSort::default();
    let listed = services.customers.list(&admin, &all, sort, page).await.unwrap();
    assert_eq!(listed.total_items, 4521);
    assert!(listed.items.iter().all(|c| c.latest_score.is_some()), "every demo customer is scored");

    let empty = tempfile::tempdir().unwrap();
    let missing = empty.path().display().to_string();
    let err = execute(["leadscore", "--database-url", &url, "--model-dir", &missing, "migrate"]).await;
    assert!(err.is_ok(), "migrate does not need the model");
    let err = execute(["leadscore", "--database-url", &url, "--model-dir", &missing, "seed", "--demo", demo])
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("model.json"), "{err:#}");
}

#[tokio::test]
async fn the_demo_seed_finds_the_bundled_sample_through_the_model_directory_from_any_directory() {
    // Tests run in the tests package's directory, where no `model/data/bank.csv` is: the sample must be found
    // through --model-dir (MODEL_DIR), as the server finds its model, not relative to the working directory.
    assert!(!std::path::Path::new("model/data/bank.csv").exists());
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    execute(["leadscore", "--database-url", &url, "--model-dir", MODEL_DIR, "seed", "--demo"]).await.unwrap();
    let config = leadscore::Config::for_tests(url.clone(), dir.path().join("uploads"));
    let services = leadscore::startup::Services::build(&config).await.unwrap();
    let admin = leadscore_application::Caller { id: uuid::Uuid::now_v7(), role: leadscore_domain::users::Role::Admin };
    let page = leadscore_domain::pagination::PageRequest::new(1, 1).unwrap();
    let listed = services.customers.list(&admin, &Default::default(), Default::default(), page).await.unwrap();
    assert_eq!(listed.total_items, 4521);
}

#[tokio::test]
async fn the_demo_seed_can_record_the_known_outcomes_in_a_demo_campaign() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let demo = BANK_SAMPLE;
    let seed = |extra: &'static [&'static str]| {
        let mut args = vec!["leadscore", "--database-url", &url, "--model-dir", MODEL_DIR, "--bcrypt-cost", "4"];
        args.extend(extra);
        args.extend(["seed", "--demo", demo, "--outcomes"]);
        execute(args.into_iter().map(str::to_owned).collect::<Vec<_>>())
    };
    let err = seed(&[]).await.unwrap_err();
    assert!(format!("{err:#}").contains("leadscore admin create"), "no Admin yet: {err:#}");
    let admin =
        ["leadscore", "--database-url", &url, "--bcrypt-cost", "4", "--model-dir", MODEL_DIR, "admin", "create"];
    let mut args: Vec<&str> = admin.to_vec();
    args.extend(["--email", "ops@bank.example", "--password", "Str0ng-pass"]);
    execute(args).await.unwrap();
    // The customers were imported by the failed attempt already; this run skips them and builds the campaign.
    seed(&[]).await.unwrap();

    let config = leadscore::Config::for_tests(url.clone(), dir.path().join("uploads"));
    let services = leadscore::startup::Services::build(&config).await.unwrap();
    let ops = services.users.operator(Some("ops@bank.example")).await.unwrap();
    let caller = leadscore_application::Caller { id: ops.id, role: ops.role };
    let page = leadscore_domain::pagination::PageRequest::new(1, 10).unwrap();
    let campaigns = services.campaigns.list(&caller, Default::default(), page).await.unwrap();
    assert_eq!(campaigns.total_items, 1);
    let campaign = &campaigns.items[0];
    assert_eq!(campaign.owner.id, ops.id);
    let stats = services.leads.lead_stats(&caller, campaign.id).await.unwrap();
    // bank.csv has 521 customers with y = yes and 4,000 with y = no.
    assert_eq!((stats.total, stats.converted, stats.failed, stats.pending), (4521, 521, 4000, 0));

    // Seeding again is harmless: the same campaign, refreshed, not a second one.
    seed(&[]).await.unwrap();
    let again = services.campaigns.list(&caller, Default::default(), page).await.unwrap();
    assert_eq!((again.total_items, again.items[0].id), (1, campaign.id));
    let stats = services.leads.lead_stats(&caller, campaign.id).await.unwrap();
    assert_eq!((stats.total, stats.converted, stats.failed, stats.pending), (4521, 521, 4000, 0));
}
