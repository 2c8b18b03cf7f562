//! Dependencies point inward: checked on the real dependency graph from `cargo metadata`.

use std::collections::{BTreeSet, HashMap};

use cargo_metadata::{MetadataCommand, Package, PackageId};

/// Every package reachable from `root` through normal (non-dev, non-build) dependencies.
fn reachable<'a>(
    root: &str,
    packages: &'a HashMap<PackageId, &'a Package>,
    resolve: &cargo_metadata::Resolve,
) -> BTreeSet<String> {
    let nodes: HashMap<&PackageId, &cargo_metadata::Node> = resolve.nodes.iter().map(|n| (&n.id, n)).collect();
    let start = packages.values().find(|p| p.name.as_str() == root).expect("workspace crate").id.clone();
    let mut seen = BTreeSet::new();
    let mut stack = vec![start];
    let mut visited = std::collections::HashSet::new();
    while let Some(id) = stack.pop() {
        if !visited.insert(id.clone()) {
            continue;
        }
        let Some(node) = nodes.get(&id) else { continue };
        for dep in &node.deps {
            let normal = dep.dep_kinds.iter().any(|k| k.kind == cargo_metadata::DependencyKind::Normal);
            if normal {
                seen.insert(packages[&dep.pkg].name.to_string());
                stack.push(dep.pkg.clone());
            }
        }
    }
    seen
}

#[test]
fn inner_layers_do_not_depend_on_frameworks() {
    let metadata = MetadataCommand::new().exec().expect("cargo metadata");
    let resolve = metadata.resolve.as_ref().expect("resolve graph");
    let packages: HashMap<PackageId, &Package> = metadata.packages.iter().map(|p| (p.id.clone(), p)).collect();

    let banned_inner = [
        "actix-web",
        "sea-orm",
        "sqlx",
        "tract-onnx",
        "tract-core",
        "jsonwebtoken",
        "leadscore-infrastructure",
        "leadscore-http",
    ];
    for krate in ["leadscore-domain", "leadscore-application"] {
        let deps = reachable(krate, &packages, resolve);
        for banned in banned_inner {
            assert!(!deps.contains(banned), "{krate} must not depend on {banned} (directly or transitively)");
        }
        assert!(
            !deps.iter().any(|d| d.starts_with("sqlx") || d.starts_with("tract")),
            "{krate} reaches sqlx/tract: {deps:?}"
        );
    }
    // File formats are adapters: readers, writers and image headers live in the infrastructure crate behind the
    // application's `TableReader`, `TransactionReader`, `TableWriter` and `ImageInspector` ports.
    let application = reachable("leadscore-application", &packages, resolve);
    for banned in ["calamine", "quick-xml", "zip", "csv", "csv-core", "rust_xlsxwriter", "infer", "imagesize"] {
        assert!(!application.contains(banned), "leadscore-application must not depend on {banned}");
    }
    let http = reachable("leadscore-http", &packages, resolve);
    for banned in ["sea-orm", "sqlx", "tract-onnx", "leadscore-infrastructure"] {
        assert!(!http.contains(banned), "leadscore-http must not depend on {banned}");
    }
    assert!(!http.iter().any(|d| d.starts_with("tract")), "leadscore-http reaches tract");
    let domain = reachable("leadscore-domain", &packages, resolve);
    assert!(!domain.contains("leadscore-application"), "domain must not depend on application");
}

#[test]
fn the_check_sees_real_dependencies() {
    // Guards the check itself: if the graph walk were broken, the test above would pass vacuously.
    let metadata = MetadataCommand::new().exec().expect("cargo metadata");
    let resolve = metadata.resolve.as_ref().expect("resolve graph");
    let packages: HashMap<PackageId, &Package> = metadata.packages.iter().map(|p| (p.id.clone(), p)).collect();
    let infra = reachable("leadscore-infrastructure", &packages, resolve);
    assert!(infra.contains("sea-orm") && infra.contains("jsonwebtoken") && infra.contains("leadscore-domain"));
    assert!(reachable("leadscore-http", &packages, resolve).contains("actix-web"));
}

#[test]
fn cargo_run_at_the_root_finds_exactly_the_server_binary() {
    // The README's first command is a bare `cargo run --release`; with two binaries among the default members Cargo
    // refuses to guess. Asked from the root: inside a member's directory Cargo defaults to that member instead.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_owned();
    let metadata = MetadataCommand::new().current_dir(&root).exec().expect("cargo metadata");
    let binaries: Vec<String> = metadata
        .workspace_default_packages()
        .iter()
        .flat_map(|p| p.targets.iter())
        .filter(|t| t.is_bin())
        .map(|t| t.name.clone())
        .collect();
    assert_eq!(binaries, ["leadscore"], "binaries `cargo run` would choose from");
}
