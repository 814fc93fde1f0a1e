//! Helpers shared by the unit tests (compiled only for tests).

/// Reads `../shared/validation/<name>` (the external reference cases beside the checkout).
/// Missing file: a failure when `CI=true` (CI always has it), otherwise a printed skip notice
/// and `None`.
pub(crate) fn read_validation(name: &str) -> Option<String> {
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
