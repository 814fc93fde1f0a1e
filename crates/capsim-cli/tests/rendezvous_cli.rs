//! `capsim rendezvous`: bad input exits 2 with a located message and writes nothing.

use std::process::Command;

#[test]
fn slots_out_of_order_exit_2_without_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/soyuz-tma-11.toml"
    ))
    .unwrap();
    let bad = src.replace(
        "profile = \"soyuz-2day\"",
        "profile = \"n-orbit\"\ndv1_rev = 3.5\ndv2_rev = 3.0\ndv3_rev = 16.55\ndv4_rev = 32.3\ngate_rev = 33.05",
    );
    let scen = dir.path().join("s.toml");
    std::fs::write(&scen, bad).unwrap();
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_capsim"))
        .args([
            "rendezvous",
            scen.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("s.toml:") && err.contains("rendezvous"),
        "{err}"
    );
    assert!(err.contains("dv2_rev"), "{err}");
    assert!(!out.exists());
}
