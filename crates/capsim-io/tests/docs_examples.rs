//! Every ```toml block of docs/scenario.md parses: blocks whose first line says
//! "# state file" as state files, "# scenario" as scenarios (DESIGN.md §7).

use capsim_io::scenario::ScenarioSpec;
use capsim_io::state_file::parse_state_file;
use std::path::Path;

#[test]
fn scenario_doc_examples_parse() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/scenario.md");
    let doc = std::fs::read_to_string(&doc_path).expect("docs/scenario.md");
    let mut blocks = 0;
    let mut rest = doc.as_str();
    while let Some(start) = rest.find("```toml\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").expect("closed block");
        let block = &body[..end];
        rest = &body[end + 3..];
        let first = block.lines().next().unwrap_or("");
        if first.starts_with("# state file") {
            parse_state_file(Path::new("docs/scenario.md"), block)
                .unwrap_or_else(|e| panic!("state example does not parse: {e}\n{block}"));
        } else if first.starts_with("# scenario") {
            ScenarioSpec::from_text(Path::new("docs/scenario.md"), block)
                .unwrap_or_else(|e| panic!("scenario example does not parse: {e}\n{block}"));
        } else {
            panic!("toml block without a '# state file' or '# scenario' first line:\n{block}");
        }
        blocks += 1;
    }
    assert!(
        blocks >= 3,
        "expected the documented examples, found {blocks}"
    );
}

#[test]
fn shipped_scenarios_validate() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("scenarios/") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "toml") {
            ScenarioSpec::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            n += 1;
        }
    }
    assert!(n >= 1);
}

/// `EntrySpec::shifted_start` (the Monte-Carlo shared coast) keeps every absolute epoch: the
/// start moves by dt, the ignition stays at the same UTC; a shift past the ignition is an error
/// that names the burn and the [mc] key.
#[test]
fn shifted_start_keeps_the_burn_epoch() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/soyuz-tma-11.toml");
    let spec = ScenarioSpec::read(&p).unwrap();
    let e = spec.entry.expect("[entry]");
    let burn = e.deorbit.as_ref().expect("deorbit burn").ignition_t_s;
    let dt = burn - 600.0;
    let s = e.shifted_start(dt).unwrap();
    assert!(((s.start_epoch() - e.start_epoch()).to_seconds() - dt).abs() < 1e-6);
    let b2 = s.deorbit.as_ref().unwrap().ignition_t_s;
    assert!((b2 - 600.0).abs() < 1e-9, "{b2}");
    let err = e.shifted_start(burn + 1.0).unwrap_err();
    assert!(
        err.contains("deorbit ignition") && err.contains("start_before_burn_s"),
        "{err}"
    );
}
