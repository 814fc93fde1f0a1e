//! The layering of ARCHITECTURE.md, checked on the source: a module may only `use` modules to
//! its left in `constants, time, frames → state → propagate → env, vehicle → dynamics → gnc → mc`.

use std::path::Path;

const LAYERS: [&[&str]; 7] = [
    &["constants", "time", "frames"],
    &["state"],
    &["propagate"],
    &["env", "vehicle"],
    &["dynamics", "entry"],
    &["gnc"],
    &["mc"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn visit(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            visit(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn modules_only_use_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    visit(&src, &mut files);
    let mut violations = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        let Some(own) = layer_of(&top) else { continue };
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            for (pos, _) in line.match_indices("crate::") {
                let rest = &line[pos + 7..];
                let used: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if let Some(l) = layer_of(&used) {
                    if l > own {
                        violations.push(format!("{}:{}: {top} uses {used}", rel.display(), i + 1));
                    }
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "layering violations:\n{}",
        violations.join("\n")
    );
}
