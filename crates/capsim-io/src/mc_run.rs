//! The Monte-Carlo runner: samples in parallel, results streamed to `samples.csv` in index
//! order, resumable, shardable, and summarised in a streaming pass.
//!
//! Shape and why:
//! - The runner is generic over a sample function `F: Fn(u64) -> SampleRow + Sync`; the model
//!   (and its dispersions) live in the closure, so the runner knows nothing of physics.
//! - Samples run in **ordered chunks**: a chunk is computed in parallel on a rayon pool, then
//!   written in index order and flushed (and synced) before the next starts. With sample *i* a
//!   pure function of (scenario, seed, *i*) (`capsim::mc::rng`), `samples.csv` is therefore
//!   byte-identical for any thread count, and at most one chunk is lost on a crash.
//! - `campaign.json` (written at start) fingerprints the campaign: a 64-bit FNV-1a hash of the
//!   scenario text, seed, N, shard. `--resume` checks it, truncates a partial last line of
//!   `samples.csv` and continues after the last complete row; `merge` checks that shards share
//!   it and cover 0..N exactly once. A copy of the scenario is kept as `scenario.toml`.
//! - A failed sample (an `Err` of the model, a non-finite output, even a panic) is a row with
//!   status `failed` and its reason; it never aborts the batch.
//! - Statistics ([`summarize`]) read `samples.csv` twice, streaming: pass 1 the mean and
//!   covariance of the landing point and the P² percentiles, pass 2 the quantities that need
//!   the mean (CEP about the mean, empirical ellipse coverage, the g histogram). Memory is flat
//!   in N (a fixed number of plotted points is kept for the outputs).
//!
//! Floats are written with Rust's shortest round-trip formatting (`{}` of f64), so a value
//! read back is bit-identical; a missing value is an empty field.

use crate::mc_spec::{McSpec, ModelOutput};
use capsim::mc::footprint::{dispersion_ellipse, mahalanobis2, Ellipse, LocalPlane};
use capsim::mc::stats::{Distribution1, P2Quantile, Running2};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The fixed columns of `samples.csv`.
pub const CSV_HEADER: &str = "index,status,reason,mode,landing_lat_deg,landing_lon_deg,miss_km,peak_g,peak_heat_flux_w_m2,heat_load_j_m2,flight_time_s,touchdown_speed_m_s";

/// Format version of `campaign.json` and `samples.csv`.
pub const FORMAT_VERSION: u32 = 1;

/// One sample's result.
#[derive(Clone, Debug, PartialEq)]
pub struct SampleRow {
    pub index: u64,
    /// Empty when the sample succeeded, else the failure reason.
    pub failure: Option<String>,
    pub mode: String,
    pub landing_lat_deg: f64,
    pub landing_lon_deg: f64,
    pub miss_km: f64,
    pub peak_g: f64,
    pub peak_heat_flux_w_m2: f64,
    pub heat_load_j_m2: f64,
    pub flight_time_s: f64,
    pub touchdown_speed_m_s: f64,
}

/// Keeps a free-text field inside one CSV cell: no comma, quote or line break.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ',' => ';',
            '"' => '\'',
            '\n' | '\r' => ' ',
            c => c,
        })
        .collect()
}

fn fmt_f(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

impl SampleRow {
    /// A failed sample.
    pub fn failed(index: u64, reason: impl Into<String>) -> Self {
        Self {
            index,
            failure: Some(reason.into()),
            mode: String::new(),
            landing_lat_deg: f64::NAN,
            landing_lon_deg: f64::NAN,
            miss_km: f64::NAN,
            peak_g: f64::NAN,
            peak_heat_flux_w_m2: f64::NAN,
            heat_load_j_m2: f64::NAN,
            flight_time_s: f64::NAN,
            touchdown_speed_m_s: f64::NAN,
        }
    }

    /// A row from a model's result; the miss distance is measured on `target`'s plane.
    pub fn from_result(index: u64, r: Result<ModelOutput, String>, target: &LocalPlane) -> Self {
        match r {
            Err(reason) => Self::failed(index, reason),
            Ok(o) => Self {
                index,
                failure: None,
                miss_km: target.distance_km(o.landing_lat_deg, o.landing_lon_deg),
                mode: o.mode,
                landing_lat_deg: o.landing_lat_deg,
                landing_lon_deg: o.landing_lon_deg,
                peak_g: o.peak_g,
                peak_heat_flux_w_m2: o.peak_heat_flux_w_m2,
                heat_load_j_m2: o.heat_load_j_m2,
                flight_time_s: o.flight_time_s,
                touchdown_speed_m_s: o.touchdown_speed_m_s,
            },
        }
    }

    pub fn is_ok(&self) -> bool {
        self.failure.is_none()
    }

    /// A successful row with a non-finite landing point or value becomes a failure.
    fn checked(self) -> Self {
        if self.failure.is_some() {
            return self;
        }
        let fields = [
            ("landing_lat_deg", self.landing_lat_deg),
            ("landing_lon_deg", self.landing_lon_deg),
            ("miss_km", self.miss_km),
            ("peak_g", self.peak_g),
            ("peak_heat_flux_w_m2", self.peak_heat_flux_w_m2),
            ("heat_load_j_m2", self.heat_load_j_m2),
            ("flight_time_s", self.flight_time_s),
            ("touchdown_speed_m_s", self.touchdown_speed_m_s),
        ];
        match fields.iter().find(|(_, v)| !v.is_finite()) {
            Some((name, _)) => Self::failed(self.index, format!("non-finite {name}")),
            None => self,
        }
    }

    /// The CSV line (with its trailing newline).
    pub fn csv_line(&self) -> String {
        format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            self.index,
            if self.is_ok() { "ok" } else { "failed" },
            clean(self.failure.as_deref().unwrap_or("")),
            clean(&self.mode),
            fmt_f(self.landing_lat_deg),
            fmt_f(self.landing_lon_deg),
            fmt_f(self.miss_km),
            fmt_f(self.peak_g),
            fmt_f(self.peak_heat_flux_w_m2),
            fmt_f(self.heat_load_j_m2),
            fmt_f(self.flight_time_s),
            fmt_f(self.touchdown_speed_m_s),
        )
    }

    /// Parses a line written by [`SampleRow::csv_line`] (without its newline).
    pub fn parse(line: &str) -> Result<Self, String> {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 12 {
            return Err(format!("{} fields, expected 12", f.len()));
        }
        let index = f[0]
            .parse::<u64>()
            .map_err(|_| format!("index '{}' is not an integer", f[0]))?;
        let num = |s: &str| -> Result<f64, String> {
            if s.is_empty() {
                Ok(f64::NAN)
            } else {
                s.parse::<f64>()
                    .map_err(|_| format!("'{s}' is not a number"))
            }
        };
        let failure = match f[1] {
            "ok" => None,
            "failed" => Some(f[2].to_string()),
            s => return Err(format!("status '{s}' is neither ok nor failed")),
        };
        Ok(Self {
            index,
            failure,
            mode: f[3].to_string(),
            landing_lat_deg: num(f[4])?,
            landing_lon_deg: num(f[5])?,
            miss_km: num(f[6])?,
            peak_g: num(f[7])?,
            peak_heat_flux_w_m2: num(f[8])?,
            heat_load_j_m2: num(f[9])?,
            flight_time_s: num(f[10])?,
            touchdown_speed_m_s: num(f[11])?,
        })
    }
}

/// `--shard K/N`: slice K (0-based) of N contiguous slices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

impl Shard {
    pub const WHOLE: Shard = Shard { k: 0, n: 1 };

    /// Parses "K/N" with 0 ≤ K < N.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("--shard '{s}': expected K/N, e.g. 0/4"))?;
        let k: u64 = k
            .trim()
            .parse()
            .map_err(|_| format!("--shard '{s}': K is not an integer"))?;
        let n: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("--shard '{s}': N is not an integer"))?;
        if n == 0 || k >= n {
            return Err(format!("--shard '{s}': need 0 ≤ K < N (K is 0-based)"));
        }
        Ok(Self { k, n })
    }

    /// Sample indices of this shard of `samples`: [N·k/n, N·(k+1)/n).
    pub fn range(&self, samples: u64) -> (u64, u64) {
        let at = |k: u64| ((samples as u128 * k as u128) / self.n as u128) as u64;
        (at(self.k), at(self.k + 1))
    }
}

/// The identity of a campaign (folder), written to `campaign.json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    pub scenario_hash: String,
    pub model: String,
    pub seed: u64,
    pub samples: u64,
    pub shard: Shard,
}

impl Fingerprint {
    fn to_json(&self, completed: bool, rows: u64) -> String {
        let (first, end) = self.shard.range(self.samples);
        let v = serde_json::json!({
            "format_version": FORMAT_VERSION,
            "scenario_hash": self.scenario_hash,
            "model": self.model,
            "seed": self.seed,
            "samples": self.samples,
            "shard": format!("{}/{}", self.shard.k, self.shard.n),
            "first_index": first,
            "end_index": end,
            "rows_written": rows,
            "completed": completed,
        });
        format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
    }

    fn from_json(text: &str) -> Result<(Self, bool), String> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let u = |k: &str| v.get(k).and_then(|x| x.as_u64());
        if u("format_version") != Some(FORMAT_VERSION as u64) {
            return Err(format!("format_version is not {FORMAT_VERSION}"));
        }
        let shard = Shard::parse(&s("shard").ok_or("no shard")?)?;
        Ok((
            Self {
                scenario_hash: s("scenario_hash").ok_or("no scenario_hash")?,
                model: s("model").ok_or("no model")?,
                seed: u("seed").ok_or("no seed")?,
                samples: u("samples").ok_or("no samples")?,
                shard,
            },
            v.get("completed")
                .and_then(|x| x.as_bool())
                .unwrap_or(false),
        ))
    }
}

/// 64-bit FNV-1a of the scenario text, as 16 hex digits (a change detector, not security).
pub fn scenario_hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Why a campaign could not run or merge.
#[derive(Debug, thiserror::Error)]
pub enum McRunError {
    /// The user's folder or flags do not fit (exit 2 in the CLI).
    #[error("{0}")]
    Usage(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: io::Error,
    },
}

fn io_ctx(context: impl Into<String>) -> impl FnOnce(io::Error) -> McRunError {
    let context = context.into();
    move |source| McRunError::Io { context, source }
}

/// What to run.
#[derive(Clone, Debug)]
pub struct Campaign {
    pub out_dir: PathBuf,
    pub scenario_text: String,
    pub fingerprint: Fingerprint,
    pub chunk_size: usize,
    /// None: rayon's default (all cores).
    pub threads: Option<usize>,
    pub resume: bool,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOutcome {
    pub first: u64,
    pub end: u64,
    /// Rows present in `samples.csv` at the end.
    pub rows: u64,
    /// Rows computed by this invocation.
    pub computed: u64,
    pub failed_this_run: u64,
    /// Stopped early by the stop flag (Ctrl-C).
    pub interrupted: bool,
}

/// Scans an existing `samples.csv` for resume: checks header and index sequence, truncates a
/// partial last line, and returns the number of complete rows.
fn prepare_resume(csv: &Path, first: u64, end: u64) -> Result<u64, McRunError> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(csv)
        .map_err(io_ctx(format!("opening {} to resume", csv.display())))?;
    let mut reader = BufReader::new(&mut file);
    let mut line = String::new();
    let mut good_len: u64 = 0;
    let mut rows: u64 = 0;
    let mut header_seen = false;
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(io_ctx(format!("reading {}", csv.display())))?;
        if n == 0 {
            break;
        }
        if !line.ends_with('\n') {
            break; // partial last line: dropped below
        }
        let body = line.trim_end_matches('\n');
        if !header_seen {
            if body != CSV_HEADER {
                return Err(McRunError::Usage(format!(
                    "{}: the header is not that of a capsim mc samples file",
                    csv.display()
                )));
            }
            header_seen = true;
        } else {
            let row = SampleRow::parse(body).map_err(|m| {
                McRunError::Usage(format!("{} row {}: {m}", csv.display(), rows + 1))
            })?;
            if row.index != first + rows {
                return Err(McRunError::Usage(format!(
                    "{} row {}: index {} where {} was expected (the file is not this campaign's, or was edited)",
                    csv.display(),
                    rows + 1,
                    row.index,
                    first + rows
                )));
            }
            if row.index >= end {
                return Err(McRunError::Usage(format!(
                    "{}: index {} is beyond this shard's end {end}",
                    csv.display(),
                    row.index
                )));
            }
            rows += 1;
        }
        good_len += n as u64;
    }
    drop(reader);
    if !header_seen {
        // Nothing usable: start over with a header.
        file.set_len(0)
            .map_err(io_ctx(format!("truncating {}", csv.display())))?;
        file.write_all(format!("{CSV_HEADER}\n").as_bytes())
            .map_err(io_ctx(format!("writing {}", csv.display())))?;
        return Ok(0);
    }
    file.set_len(good_len)
        .map_err(io_ctx(format!("truncating {}", csv.display())))?;
    Ok(rows)
}

/// Runs (or resumes) a campaign. `progress(done, total)` is called after each chunk with the
/// shard's counts; `stop` is polled between chunks.
pub fn run_campaign<F>(
    c: &Campaign,
    sample: F,
    progress: &(dyn Fn(u64, u64) + Sync),
    stop: &AtomicBool,
) -> Result<RunOutcome, McRunError>
where
    F: Fn(u64) -> SampleRow + Sync,
{
    let (first, end) = c.fingerprint.shard.range(c.fingerprint.samples);
    fs::create_dir_all(&c.out_dir).map_err(io_ctx(format!("creating {}", c.out_dir.display())))?;
    let csv = c.out_dir.join("samples.csv");
    let meta = c.out_dir.join("campaign.json");
    let rows_done = if c.resume {
        let text = fs::read_to_string(&meta).map_err(|e| {
            McRunError::Usage(format!(
                "--resume: cannot read {} ({e}); was this folder written by capsim mc?",
                meta.display()
            ))
        })?;
        let (fp, _) = Fingerprint::from_json(&text)
            .map_err(|m| McRunError::Usage(format!("{}: {m}", meta.display())))?;
        if fp != c.fingerprint {
            return Err(McRunError::Usage(format!(
                "--resume: {} belongs to another campaign (it has scenario hash {}, model {}, seed {}, {} samples, shard {}/{}; this run has {}, {}, {}, {}, {}/{}): resume with the same scenario, --seed, --samples and --shard, or use a new --out",
                c.out_dir.display(),
                fp.scenario_hash, fp.model, fp.seed, fp.samples, fp.shard.k, fp.shard.n,
                c.fingerprint.scenario_hash, c.fingerprint.model, c.fingerprint.seed,
                c.fingerprint.samples, c.fingerprint.shard.k, c.fingerprint.shard.n
            )));
        }
        if csv.exists() {
            prepare_resume(&csv, first, end)?
        } else {
            fs::write(&csv, format!("{CSV_HEADER}\n"))
                .map_err(io_ctx(format!("writing {}", csv.display())))?;
            0
        }
    } else {
        if csv.exists() {
            return Err(McRunError::Usage(format!(
                "{} already exists: pass --resume to continue that campaign, or choose another --out",
                csv.display()
            )));
        }
        crate::atomic::write_atomic(&c.out_dir.join("scenario.toml"), |w| {
            w.write_all(c.scenario_text.as_bytes())
        })
        .map_err(io_ctx("writing scenario.toml"))?;
        crate::atomic::write_atomic(&meta, |w| {
            w.write_all(c.fingerprint.to_json(false, 0).as_bytes())
        })
        .map_err(io_ctx(format!("writing {}", meta.display())))?;
        fs::write(&csv, format!("{CSV_HEADER}\n"))
            .map_err(io_ctx(format!("writing {}", csv.display())))?;
        0
    };
    let mut file = OpenOptions::new()
        .append(true)
        .open(&csv)
        .map_err(io_ctx(format!("opening {}", csv.display())))?;
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = c.threads {
        builder = builder.num_threads(t.max(1));
    }
    let pool = builder
        .build()
        .map_err(|e| McRunError::Usage(format!("cannot start {:?} threads: {e}", c.threads)))?;
    let total = end - first;
    let mut next = first + rows_done;
    let mut computed = 0u64;
    let mut failed = 0u64;
    let chunk = c.chunk_size.max(1) as u64;
    progress(next - first, total);
    let mut interrupted = false;
    let mut buf = String::new();
    while next < end {
        if stop.load(Ordering::SeqCst) {
            interrupted = true;
            break;
        }
        let stop_at = (next + chunk).min(end);
        // Rows are formatted inside the parallel map; only the ordered write is serial.
        let rows: Vec<(bool, String)> = pool.install(|| {
            (next..stop_at)
                .into_par_iter()
                .map(|i| {
                    let r = run_one(&sample, i);
                    (r.is_ok(), r.csv_line())
                })
                .collect()
        });
        buf.clear();
        for (ok, line) in &rows {
            if !ok {
                failed += 1;
            }
            buf.push_str(line);
        }
        file.write_all(buf.as_bytes())
            .and_then(|_| file.flush())
            .and_then(|_| file.sync_data())
            .map_err(io_ctx(format!("writing {}", csv.display())))?;
        computed += stop_at - next;
        next = stop_at;
        progress(next - first, total);
    }
    let rows = next - first;
    crate::atomic::write_atomic(&meta, |w| {
        w.write_all(c.fingerprint.to_json(next == end, rows).as_bytes())
    })
    .map_err(io_ctx(format!("writing {}", meta.display())))?;
    Ok(RunOutcome {
        first,
        end,
        rows,
        computed,
        failed_this_run: failed,
        interrupted,
    })
}

fn run_one<F: Fn(u64) -> SampleRow>(sample: &F, i: u64) -> SampleRow {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sample(i))) {
        Ok(mut r) => {
            r.index = i;
            r.checked()
        }
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            SampleRow::failed(i, format!("panic: {msg}"))
        }
    }
}

/// Combines complete shard folders into `out` (checking fingerprints and coverage), giving the
/// `samples.csv` and `campaign.json` an unsharded run would have written. Returns the
/// merged fingerprint and the scenario text.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<(Fingerprint, String), McRunError> {
    if dirs.is_empty() {
        return Err(McRunError::Usage("merge: no shard folders given".into()));
    }
    let mut shards = Vec::new();
    for d in dirs {
        let meta = d.join("campaign.json");
        let text = fs::read_to_string(&meta).map_err(|e| {
            McRunError::Usage(format!("merge: cannot read {}: {e}", meta.display()))
        })?;
        let (fp, completed) = Fingerprint::from_json(&text)
            .map_err(|m| McRunError::Usage(format!("merge: {}: {m}", meta.display())))?;
        if !completed {
            return Err(McRunError::Usage(format!(
                "merge: {} is not complete (finish it with --resume)",
                d.display()
            )));
        }
        shards.push((fp, d.clone()));
    }
    let base = shards[0].0.clone();
    for (fp, d) in &shards {
        let same = fp.scenario_hash == base.scenario_hash
            && fp.model == base.model
            && fp.seed == base.seed
            && fp.samples == base.samples
            && fp.shard.n == base.shard.n;
        if !same {
            return Err(McRunError::Usage(format!(
                "merge: {} is from another campaign than {} (scenario hash, model, seed, samples and shard count must agree)",
                d.display(),
                shards[0].1.display()
            )));
        }
    }
    shards.sort_by_key(|(fp, _)| fp.shard.k);
    for (k, (fp, d)) in shards.iter().enumerate() {
        if fp.shard.k != k as u64 {
            let what = if fp.shard.k < k as u64 {
                "twice"
            } else {
                "missing"
            };
            return Err(McRunError::Usage(format!(
                "merge: shard {}/{} is {what} (at {})",
                k.min(fp.shard.k as usize),
                base.shard.n,
                d.display()
            )));
        }
    }
    if shards.len() as u64 != base.shard.n {
        return Err(McRunError::Usage(format!(
            "merge: {} shards given, the campaign has {}",
            shards.len(),
            base.shard.n
        )));
    }
    let scenario = fs::read_to_string(shards[0].1.join("scenario.toml")).map_err(|e| {
        McRunError::Usage(format!(
            "merge: {}/scenario.toml: {e}",
            shards[0].1.display()
        ))
    })?;
    fs::create_dir_all(out).map_err(io_ctx(format!("creating {}", out.display())))?;
    let merged = Fingerprint {
        shard: Shard::WHOLE,
        ..base.clone()
    };
    crate::atomic::write_atomic(&out.join("samples.csv"), |w| {
        w.write_all(format!("{CSV_HEADER}\n").as_bytes())?;
        for (fp, d) in &shards {
            let (first, end) = fp.shard.range(fp.samples);
            let mut f = BufReader::new(File::open(d.join("samples.csv"))?);
            let mut line = String::new();
            f.read_line(&mut line)?;
            if line.trim_end() != CSV_HEADER {
                return Err(io::Error::other(format!(
                    "{}/samples.csv: bad header",
                    d.display()
                )));
            }
            let mut expect = first;
            loop {
                line.clear();
                if f.read_line(&mut line)? == 0 {
                    break;
                }
                let idx = line.split(',').next().and_then(|s| s.parse::<u64>().ok());
                if idx != Some(expect) || !line.ends_with('\n') {
                    return Err(io::Error::other(format!(
                        "{}/samples.csv: row for index {expect} missing or damaged",
                        d.display()
                    )));
                }
                w.write_all(line.as_bytes())?;
                expect += 1;
            }
            if expect != end {
                return Err(io::Error::other(format!(
                    "{}/samples.csv has rows {first}..{expect}, expected up to {end}",
                    d.display()
                )));
            }
        }
        Ok(())
    })
    .map_err(|e| McRunError::Usage(format!("merge: {e}")))?;
    crate::atomic::write_atomic(&out.join("scenario.toml"), |w| {
        w.write_all(scenario.as_bytes())
    })
    .map_err(io_ctx("writing scenario.toml"))?;
    crate::atomic::write_atomic(&out.join("campaign.json"), |w| {
        w.write_all(merged.to_json(true, merged.samples).as_bytes())
    })
    .map_err(io_ctx("writing campaign.json"))?;
    Ok((merged, scenario))
}

/// Percentiles reported for each scalar output.
pub const PERCENTILES: [f64; 5] = [0.01, 0.05, 0.5, 0.95, 0.99];

/// Number of sample points kept for plots and GeoJSON/KML (the first ones in index order).
pub const PLOT_POINTS: usize = 5000;

/// The footprint of the samples of one descent mode (a mixture of modes is not one normal
/// law, so its pooled ellipses say little; per-mode ellipses do).
#[derive(Clone, Debug)]
pub struct ModeFootprint {
    pub mode: String,
    pub count: u64,
    pub mean_lat_deg: f64,
    pub mean_lon_deg: f64,
    pub mean_en_km: [f64; 2],
    pub cov_en_km2: [[f64; 2]; 2],
    /// Empty below 3 samples.
    pub ellipses: Vec<Ellipse>,
}

/// The streaming summary of a campaign.
#[derive(Clone, Debug)]
pub struct Summary {
    pub total: u64,
    pub ok: u64,
    pub failures_by_reason: BTreeMap<String, u64>,
    pub counts_by_mode: BTreeMap<String, u64>,
    pub target_lat_deg: f64,
    pub target_lon_deg: f64,
    /// Mean landing point.
    pub mean_lat_deg: f64,
    pub mean_lon_deg: f64,
    /// Mean and covariance in the target's east-north plane, km and km².
    pub mean_en_km: [f64; 2],
    pub cov_en_km2: [[f64; 2]; 2],
    pub ellipses: Vec<Ellipse>,
    /// The same per descent mode (in name order).
    pub by_mode: Vec<ModeFootprint>,
    /// Fraction of successful samples inside each ellipse (empirical coverage).
    pub ellipse_coverage: Vec<f64>,
    pub cep_about_mean_km: f64,
    pub cep_about_target_km: f64,
    /// Fraction of successful samples outside the zone (None without a zone).
    pub fraction_outside_zone: Option<f64>,
    /// Per quantity: (name, running stats and P² percentiles).
    pub quantities: Vec<(&'static str, Distribution1)>,
    /// Peak-g histogram: (bin lower edges, bin width, counts).
    pub g_histogram: (Vec<f64>, f64, Vec<u64>),
    /// The first [`PLOT_POINTS`] successful landing points (lat, lon), with their mode.
    pub points: Vec<(f64, f64, String)>,
}

fn rows_of(csv: &Path) -> Result<impl Iterator<Item = Result<SampleRow, McRunError>>, McRunError> {
    let f = File::open(csv).map_err(io_ctx(format!("opening {}", csv.display())))?;
    let mut lines = BufReader::new(f).lines();
    let shown = csv.display().to_string();
    match lines.next() {
        Some(Ok(h)) if h == CSV_HEADER => {}
        _ => {
            return Err(McRunError::Usage(format!(
                "{shown}: not a capsim mc samples file (header)"
            )))
        }
    }
    Ok(lines.enumerate().map(move |(i, l)| {
        let l = l.map_err(io_ctx(format!("reading {shown}")))?;
        SampleRow::parse(&l).map_err(|m| McRunError::Usage(format!("{shown} row {}: {m}", i + 1)))
    }))
}

/// Streams `samples.csv` twice and computes the summary.
pub fn summarize(csv: &Path, spec: &McSpec) -> Result<Summary, McRunError> {
    let plane = LocalPlane::new(spec.target_lat_deg, spec.target_lon_deg);
    let names: [&'static str; 6] = [
        "peak_g",
        "peak_heat_flux_w_m2",
        "heat_load_j_m2",
        "flight_time_s",
        "touchdown_speed_m_s",
        "miss_km",
    ];
    let mut q: Vec<(&'static str, Distribution1)> = names
        .iter()
        .map(|n| (*n, Distribution1::new(&PERCENTILES)))
        .collect();
    let mut en = Running2::new();
    let mut en_mode: BTreeMap<String, Running2> = BTreeMap::new();
    let mut total = 0u64;
    let mut failures: BTreeMap<String, u64> = BTreeMap::new();
    let mut modes: BTreeMap<String, u64> = BTreeMap::new();
    let mut outside = 0u64;
    let mut points = Vec::new();
    for r in rows_of(csv)? {
        let r = r?;
        total += 1;
        if let Some(reason) = &r.failure {
            *failures.entry(reason.clone()).or_default() += 1;
            continue;
        }
        *modes.entry(r.mode.clone()).or_default() += 1;
        let (e, n) = plane.to_en_km(r.landing_lat_deg, r.landing_lon_deg);
        en.push(e, n);
        en_mode.entry(r.mode.clone()).or_default().push(e, n);
        for (name, d) in q.iter_mut() {
            d.push(match *name {
                "peak_g" => r.peak_g,
                "peak_heat_flux_w_m2" => r.peak_heat_flux_w_m2,
                "heat_load_j_m2" => r.heat_load_j_m2,
                "flight_time_s" => r.flight_time_s,
                "touchdown_speed_m_s" => r.touchdown_speed_m_s,
                _ => e.hypot(n),
            });
        }
        if let Some(z) = &spec.zone {
            if !z.contains(r.landing_lat_deg, r.landing_lon_deg) {
                outside += 1;
            }
        }
        if points.len() < PLOT_POINTS {
            points.push((r.landing_lat_deg, r.landing_lon_deg, r.mode.clone()));
        }
    }
    let ok = en.count;
    let mean = en.mean();
    let cov = en.covariance();
    let ellipses: Vec<Ellipse> = if ok >= 3 {
        spec.ellipse_levels
            .iter()
            .map(|p| dispersion_ellipse(mean, cov, *p))
            .collect()
    } else {
        Vec::new()
    };
    let by_mode = en_mode
        .into_iter()
        .map(|(mode, r)| {
            let (m, c) = (r.mean(), r.covariance());
            let (lat, lon) = plane.to_lat_lon_deg(m[0], m[1]);
            ModeFootprint {
                mode,
                count: r.count,
                mean_lat_deg: lat,
                mean_lon_deg: lon,
                mean_en_km: m,
                cov_en_km2: c,
                ellipses: if r.count >= 3 {
                    spec.ellipse_levels
                        .iter()
                        .map(|p| dispersion_ellipse(m, c, *p))
                        .collect()
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    // Pass 2: CEP about the mean, coverage, g histogram.
    let g = &q[0].1.running;
    let bins = 40usize;
    let (g_lo, g_hi) = if g.count > 0 && g.max > g.min {
        (g.min, g.max)
    } else if g.count > 0 {
        (g.min - 0.5, g.min + 0.5)
    } else {
        (0.0, 1.0)
    };
    let width = (g_hi - g_lo) / bins as f64;
    let mut counts = vec![0u64; bins];
    let mut cep_mean = P2Quantile::new(0.5);
    let mut covered = vec![0u64; ellipses.len()];
    if ok > 0 {
        for r in rows_of(csv)? {
            let r = r?;
            if !r.is_ok() {
                continue;
            }
            let (e, n) = plane.to_en_km(r.landing_lat_deg, r.landing_lon_deg);
            cep_mean.push((e - mean[0]).hypot(n - mean[1]));
            let m2 = mahalanobis2([e, n], mean, cov);
            for (k, el) in ellipses.iter().enumerate() {
                if m2 <= capsim::mc::footprint::ellipse_scale(el.probability).powi(2) {
                    covered[k] += 1;
                }
            }
            let b = (((r.peak_g - g_lo) / width) as usize).min(bins - 1);
            counts[b] += 1;
        }
    }
    let (mlat, mlon) = if ok > 0 {
        plane.to_lat_lon_deg(mean[0], mean[1])
    } else {
        (f64::NAN, f64::NAN)
    };
    let cep_target = q[5].1.quantiles[2].estimate();
    Ok(Summary {
        total,
        ok,
        failures_by_reason: failures,
        counts_by_mode: modes,
        target_lat_deg: spec.target_lat_deg,
        target_lon_deg: spec.target_lon_deg,
        mean_lat_deg: mlat,
        mean_lon_deg: mlon,
        mean_en_km: mean,
        cov_en_km2: cov,
        ellipse_coverage: covered
            .iter()
            .map(|c| *c as f64 / ok.max(1) as f64)
            .collect(),
        ellipses,
        by_mode,
        cep_about_mean_km: cep_mean.estimate(),
        cep_about_target_km: cep_target,
        fraction_outside_zone: spec
            .zone
            .as_ref()
            .map(|_| outside as f64 / ok.max(1) as f64),
        quantities: q,
        g_histogram: (
            (0..bins).map(|i| g_lo + i as f64 * width).collect(),
            width,
            counts,
        ),
        points,
    })
}

impl Summary {
    /// `summary.json`.
    pub fn to_json(&self, fp: &Fingerprint) -> String {
        use serde_json::json;
        let pct = |d: &Distribution1| {
            let mut m = serde_json::Map::new();
            for q in &d.quantiles {
                m.insert(format!("p{}", (q.p() * 100.0).round()), json!(q.estimate()));
            }
            json!({
                "count": d.running.count,
                "mean": d.running.mean(),
                "sd": d.running.variance().sqrt(),
                "min": if d.running.count > 0 { d.running.min } else { f64::NAN },
                "max": if d.running.count > 0 { d.running.max } else { f64::NAN },
                "percentiles": m,
            })
        };
        let mut quantities = serde_json::Map::new();
        for (name, d) in &self.quantities {
            quantities.insert(name.to_string(), pct(d));
        }
        let ellipses: Vec<serde_json::Value> = self
            .ellipses
            .iter()
            .zip(&self.ellipse_coverage)
            .map(|(e, cov)| {
                json!({
                    "probability": e.probability,
                    "semi_major_km": e.semi_major_km,
                    "semi_minor_km": e.semi_minor_km,
                    "major_axis_azimuth_deg": e.azimuth_deg,
                    "empirical_coverage": cov,
                })
            })
            .collect();
        let by_mode: Vec<serde_json::Value> = self
            .by_mode
            .iter()
            .map(|m| {
                json!({
                    "mode": m.mode,
                    "count": m.count,
                    "mean_lat_deg": m.mean_lat_deg,
                    "mean_lon_deg": m.mean_lon_deg,
                    "mean_east_km": m.mean_en_km[0],
                    "mean_north_km": m.mean_en_km[1],
                    "covariance_km2": [[m.cov_en_km2[0][0], m.cov_en_km2[0][1]], [m.cov_en_km2[1][0], m.cov_en_km2[1][1]]],
                    "ellipses": m.ellipses.iter().map(|e| json!({
                        "probability": e.probability,
                        "semi_major_km": e.semi_major_km,
                        "semi_minor_km": e.semi_minor_km,
                        "major_axis_azimuth_deg": e.azimuth_deg,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let v = json!({
            "campaign": {
                "scenario_hash": fp.scenario_hash,
                "model": fp.model,
                "seed": fp.seed,
                "samples": fp.samples,
                "shard": format!("{}/{}", fp.shard.k, fp.shard.n),
            },
            "samples": { "total": self.total, "ok": self.ok, "failed": self.total - self.ok },
            "failures_by_reason": self.failures_by_reason,
            "counts_by_mode": self.counts_by_mode,
            "target": { "lat_deg": self.target_lat_deg, "lon_deg": self.target_lon_deg },
            "landing": {
                "frame": "local east-north plane about the target (azimuthal equidistant, WGS-84 metric at the target), km",
                "mean_lat_deg": self.mean_lat_deg,
                "mean_lon_deg": self.mean_lon_deg,
                "mean_east_km": self.mean_en_km[0],
                "mean_north_km": self.mean_en_km[1],
                "covariance_km2": [[self.cov_en_km2[0][0], self.cov_en_km2[0][1]], [self.cov_en_km2[1][0], self.cov_en_km2[1][1]]],
                "ellipses": ellipses,
                "cep_about_mean_km": self.cep_about_mean_km,
                "cep_about_target_km": self.cep_about_target_km,
                "fraction_outside_zone": self.fraction_outside_zone,
                "by_mode": by_mode,
            },
            "quantities": quantities,
        });
        format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: u64) -> SampleRow {
        SampleRow {
            index: i,
            failure: None,
            mode: "guided".into(),
            landing_lat_deg: 51.0 + 1.0 / 3.0,
            landing_lon_deg: 67.1 - 1e-17,
            miss_km: 0.1 + 0.2,
            peak_g: 4.000000000000001,
            peak_heat_flux_w_m2: 1.1e6,
            heat_load_j_m2: 1.6e8,
            flight_time_s: 1850.25,
            touchdown_speed_m_s: f64::MIN_POSITIVE,
        }
    }

    #[test]
    fn csv_rows_round_trip_bit_exactly() {
        let r = row(3);
        let line = r.csv_line();
        let back = SampleRow::parse(line.trim_end()).unwrap();
        assert_eq!(back, r);
        let f = SampleRow::failed(9, "guidance, \"diverged\"\nagain");
        let back = SampleRow::parse(f.csv_line().trim_end()).unwrap();
        assert_eq!(back.failure.as_deref(), Some("guidance; 'diverged' again"));
        assert!(back.peak_g.is_nan());
        assert!(SampleRow::parse("1,maybe,,,,,,,,,,").is_err());
        assert!(SampleRow::parse("1,ok").is_err());
    }

    #[test]
    fn nan_and_panics_become_failed_rows() {
        let nan = |i: u64| SampleRow {
            peak_g: f64::NAN,
            ..row(i)
        };
        let r = run_one(&nan, 4);
        assert_eq!(r.failure.as_deref(), Some("non-finite peak_g"));
        let boom = |i: u64| -> SampleRow {
            if i == 2 {
                panic!("boom at {i}")
            }
            row(i)
        };
        let r = run_one(&boom, 2);
        assert_eq!(r.failure.as_deref(), Some("panic: boom at 2"));
        assert!(run_one(&boom, 1).is_ok());
    }

    #[test]
    fn shards_partition_the_indices() {
        assert_eq!(Shard::parse("0/4"), Ok(Shard { k: 0, n: 4 }));
        assert!(Shard::parse("4/4").is_err());
        assert!(Shard::parse("1/0").is_err());
        assert!(Shard::parse("x").is_err());
        for samples in [0u64, 1, 7, 1000, 1001] {
            let mut next = 0;
            for k in 0..7 {
                let (a, b) = Shard { k, n: 7 }.range(samples);
                assert_eq!(a, next);
                next = b;
            }
            assert_eq!(next, samples);
        }
    }

    #[test]
    fn a_campaign_stops_on_the_flag_and_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let fp = Fingerprint {
            scenario_hash: scenario_hash("x"),
            model: "test".into(),
            seed: 1,
            samples: 100,
            shard: Shard::WHOLE,
        };
        let mut c = Campaign {
            out_dir: dir.path().to_path_buf(),
            scenario_text: "x".into(),
            fingerprint: fp,
            chunk_size: 16,
            threads: Some(2),
            resume: false,
        };
        let stop = AtomicBool::new(false);
        // Stop after the second chunk.
        let calls = std::sync::atomic::AtomicU64::new(0);
        let progress = |done: u64, _total: u64| {
            if done >= 32 {
                stop.store(true, Ordering::SeqCst);
            }
            calls.fetch_add(1, Ordering::SeqCst);
        };
        let out = run_campaign(&c, row, &progress, &stop).unwrap();
        assert!(out.interrupted);
        assert_eq!(out.rows, 32);
        let text = fs::read_to_string(dir.path().join("campaign.json")).unwrap();
        assert!(text.contains("\"completed\": false"));
        stop.store(false, Ordering::SeqCst);
        c.resume = true;
        let never = AtomicBool::new(false);
        let out = run_campaign(&c, row, &|_, _| {}, &never).unwrap();
        assert!(!out.interrupted);
        assert_eq!((out.rows, out.computed), (100, 68));
        let csv = fs::read_to_string(dir.path().join("samples.csv")).unwrap();
        assert_eq!(csv.lines().count(), 101);
        for (i, l) in csv.lines().skip(1).enumerate() {
            assert!(l.starts_with(&format!("{i},ok,")));
        }
    }
}
