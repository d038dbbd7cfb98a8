//! The decoupling rule, checked on the workspace's manifests with `cargo metadata`:
//! executors and reactors never name each other, and adapters name neither (they bridge
//! foreign runtimes to the traits of this crate). Dev-dependencies are free: tests may run
//! any part on any other.
//!
//! | a crate under | may not depend (normally) on a crate under |
//! | --- | --- |
//! | `executors/` | `reactors/`, `adapters/` |
//! | `reactors/` | `executors/`, `adapters/` |
//! | `adapters/` | `executors/`, `reactors/` |

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The part of the workspace a crate lives in, from its manifest's directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    Executors,
    Reactors,
    Adapters,
    Other,
}

fn area_of(manifest: &Path, root: &Path) -> Area {
    let relative = manifest.strip_prefix(root).unwrap_or(manifest);
    match relative
        .components()
        .next()
        .and_then(|c| c.as_os_str().to_str())
    {
        Some("executors") => Area::Executors,
        Some("reactors") => Area::Reactors,
        Some("adapters") => Area::Adapters,
        _ => Area::Other,
    }
}

fn forbidden(from: Area, to: Area) -> bool {
    use Area::*;
    matches!(
        (from, to),
        (Executors, Reactors)
            | (Executors, Adapters)
            | (Reactors, Executors)
            | (Reactors, Adapters)
            | (Adapters, Executors)
            | (Adapters, Reactors)
    )
}

fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest_dir = env!("CARGO_MANIFEST_DIR");
    let output = Command::new(cargo)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(manifest_dir)
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON")
}

/// Every normal (or build) dependency between workspace crates that breaks the rule, as
/// "from -> to" lines.
fn violations(metadata: &Value) -> (Vec<String>, HashMap<String, Area>) {
    let root = PathBuf::from(metadata["workspace_root"].as_str().unwrap());
    let packages = metadata["packages"].as_array().unwrap();
    let areas: HashMap<String, Area> = packages
        .iter()
        .map(|package| {
            let manifest = Path::new(package["manifest_path"].as_str().unwrap());
            (
                package["name"].as_str().unwrap().to_owned(),
                area_of(manifest, &root),
            )
        })
        .collect();
    let mut found = Vec::new();
    for package in packages {
        let name = package["name"].as_str().unwrap();
        let from = areas[name];
        for dependency in package["dependencies"].as_array().unwrap() {
            if dependency["kind"].as_str() == Some("dev") {
                continue;
            }
            let target = dependency["name"].as_str().unwrap();
            if let Some(&to) = areas.get(target) {
                if forbidden(from, to) {
                    found.push(format!("{name} ({from:?}) -> {target} ({to:?})"));
                }
            }
        }
    }
    (found, areas)
}

#[test]
fn executors_reactors_and_adapters_never_name_each_other() {
    let metadata = metadata();
    let (found, areas) = violations(&metadata);
    assert!(
        found.is_empty(),
        "dependencies that break the decoupling rule (use a dev-dependency for tests, or \
         go through wakewire-core's traits):\n  {}",
        found.join("\n  ")
    );
    // The check sees every area, so an empty result means something.
    for area in [Area::Executors, Area::Reactors, Area::Adapters] {
        assert!(
            areas.values().any(|&a| a == area),
            "no crate found under {area:?}: the check is looking in the wrong place"
        );
    }
}

#[test]
fn the_rule_table_is_what_the_docs_say() {
    use Area::*;
    for (from, to) in [
        (Executors, Reactors),
        (Reactors, Executors),
        (Adapters, Executors),
    ] {
        assert!(forbidden(from, to));
    }
    for to in [Executors, Reactors, Adapters, Other] {
        assert!(
            !forbidden(Other, to),
            "the root facade and core may name anything"
        );
    }
    assert!(!forbidden(Adapters, Other), "adapters depend on core");
    assert!(!forbidden(Adapters, Adapters));
}
