//! Helpers shared by the integration tests.

/// Reads `../shared/validation/<name>`: a failure under `CI=true` when missing (CI always has
/// the folder), otherwise a printed skip notice and `None`.
pub fn read_validation(name: &str) -> Option<String> {
    let path = format!(
        "{}/../../../shared/validation/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "validation file {path} missing under CI: {e}"
            );
            eprintln!("SKIP: validation file {path} not found ({e})");
            None
        }
    }
}
