//! Spherical-harmonic coefficient sets and the ICGEM `.gfc` reader.
//!
//! The format is the one of the International Centre for Global Earth Models: Barthelmes &
//! Förste, *The ICGEM-format*, GFZ Potsdam (2011, rev. 2023). A free-text preamble, header
//! keywords (`modelname`, `earth_gravity_constant`, `radius`, `max_degree`, `norm`,
//! `tide_system`, `errors`) up to `end_of_head`, then one `gfc L M C S [sigma_C sigma_S]` line
//! per coefficient. Fortran `D` exponents are accepted. Coefficients a file does not list are
//! zero, except C̄00, which is 1 unless the file says otherwise. Unnormalized files
//! (`norm unnormalized`) are converted to the fully normalized (4π) convention of Heiskanen &
//! Moritz (1967, *Physical Geodesy*, eq. 1-73) used everywhere else in this module.
//! Time-variable keys (`gfct`, `trnd`, `acos`, `asin`, ICGEM 2.0) are rejected with an error
//! rather than silently ignored, because dropping them changes the model.
//!
//! The coefficients are stored in flat triangular arrays, index `n(n+1)/2 + m`.

use super::{GravityError, EGM2008_EMBEDDED_MAX_DEGREE};
use std::sync::OnceLock;

/// EGM2008 trimmed to degree/order 90, tide-free (see `data/gravity/PROVENANCE.md`).
const EGM2008_TO90_GFC: &str = include_str!("../../../data/gravity/EGM2008_to90.gfc");

/// Permanent-tide convention of a coefficient set (IERS Conventions 2010, §6.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TideSystem {
    /// Permanent tide removed, including its indirect effect (EGM2008 as distributed by NGA).
    TideFree,
    /// Direct permanent tide removed, indirect effect kept.
    ZeroTide,
    /// Permanent tide kept.
    MeanTide,
    /// The file does not say.
    Unknown,
}

/// Normalization declared by a `.gfc` file. Stored coefficients are always fully normalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalization {
    /// Geodetic 4π full normalization.
    FullyNormalized,
    /// Unnormalized (converted on reading).
    Unnormalized,
}

/// A fully normalized spherical-harmonic coefficient set with its constants.
#[derive(Debug, Clone, PartialEq)]
pub struct GravityCoefficients {
    model_name: String,
    gm_m3_s2: f64,
    radius_m: f64,
    tide_system: TideSystem,
    max_degree: usize,
    c: Vec<f64>,
    s: Vec<f64>,
}

#[inline]
const fn tri_index(n: usize, m: usize) -> usize {
    n * (n + 1) / 2 + m
}

impl GravityCoefficients {
    /// A coefficient set with C̄00 = 1 and every other coefficient zero.
    pub fn new(
        model_name: &str,
        gm_m3_s2: f64,
        radius_m: f64,
        tide_system: TideSystem,
        max_degree: usize,
    ) -> Result<Self, GravityError> {
        check_constant("gm_m3_s2", gm_m3_s2)?;
        check_constant("radius_m", radius_m)?;
        let len = tri_index(max_degree, max_degree) + 1;
        let mut c = vec![0.0; len];
        c[0] = 1.0;
        Ok(Self {
            model_name: model_name.to_string(),
            gm_m3_s2,
            radius_m,
            tide_system,
            max_degree,
            c,
            s: vec![0.0; len],
        })
    }

    /// The compiled-in EGM2008 coefficients to degree/order 90 (parsed once, then shared).
    pub fn egm2008() -> Result<&'static GravityCoefficients, GravityError> {
        static EGM2008: OnceLock<Result<GravityCoefficients, GravityError>> = OnceLock::new();
        EGM2008
            .get_or_init(|| parse_gfc(EGM2008_TO90_GFC, EGM2008_EMBEDDED_MAX_DEGREE))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Sets one fully normalized coefficient pair (S̄n0 is forced to zero).
    pub fn set(&mut self, n: usize, m: usize, c: f64, s: f64) -> Result<(), GravityError> {
        if n > self.max_degree {
            return Err(GravityError::DegreeTooHigh {
                requested: n,
                available: self.max_degree,
            });
        }
        if m > n {
            return Err(GravityError::OrderAboveDegree {
                order: m,
                degree: n,
            });
        }
        let i = tri_index(n, m);
        self.c[i] = c;
        self.s[i] = if m == 0 { 0.0 } else { s };
        Ok(())
    }

    /// Model name from the file header.
    pub fn model_name(&self) -> &str {
        &self.model_name
    }
    /// Gravitational parameter the coefficients are scaled with, m³/s².
    pub fn gm_m3_s2(&self) -> f64 {
        self.gm_m3_s2
    }
    /// Reference radius the coefficients are scaled with, m.
    pub fn radius_m(&self) -> f64 {
        self.radius_m
    }
    /// Permanent-tide convention.
    pub fn tide_system(&self) -> TideSystem {
        self.tide_system
    }
    /// Highest degree held.
    pub fn max_degree(&self) -> usize {
        self.max_degree
    }
    /// Fully normalized C̄nm; zero outside the set.
    pub fn c(&self, n: usize, m: usize) -> f64 {
        if n > self.max_degree || m > n {
            0.0
        } else {
            self.c[tri_index(n, m)]
        }
    }
    /// Fully normalized S̄nm; zero outside the set.
    pub fn s(&self, n: usize, m: usize) -> f64 {
        if n > self.max_degree || m > n {
            0.0
        } else {
            self.s[tri_index(n, m)]
        }
    }
    /// Unnormalized zonal coefficient J_n = −√(2n+1) C̄n0.
    pub fn j(&self, n: usize) -> f64 {
        -((2 * n + 1) as f64).sqrt() * self.c(n, 0)
    }
}

fn check_constant(name: &'static str, value: f64) -> Result<(), GravityError> {
    if !value.is_finite() || value <= 0.0 {
        return Err(GravityError::InvalidConstant {
            name,
            value,
            reason: "must be finite and positive",
        });
    }
    Ok(())
}

/// Full normalization factor N_nm = √((2−δ_m0)(2n+1)(n−m)!/(n+m)!), computed in logarithms so
/// it neither overflows nor underflows at high degree.
fn normalization_factor(n: usize, m: usize) -> f64 {
    let mut ln = ((2 * n + 1) as f64).ln();
    if m > 0 {
        ln += 2f64.ln();
    }
    for k in (n - m + 1)..=(n + m) {
        ln -= (k as f64).ln();
    }
    (0.5 * ln).exp()
}

fn parse_number(token: &str, line: usize, what: &str) -> Result<f64, GravityError> {
    let cleaned: String = token
        .chars()
        .map(|ch| if ch == 'd' || ch == 'D' { 'e' } else { ch })
        .collect();
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(GravityError::Parse {
            line,
            message: format!("{what} `{token}` is not a finite number"),
        }),
    }
}

fn parse_index(token: &str, line: usize, what: &str) -> Result<usize, GravityError> {
    token.parse::<usize>().map_err(|_| GravityError::Parse {
        line,
        message: format!("{what} `{token}` is not a non-negative integer"),
    })
}

/// Reads an ICGEM `.gfc` gravity-field file, keeping degrees up to `max_degree` (the result
/// holds min(`max_degree`, file's `max_degree`)). Errors name the 1-based line.
pub fn parse_gfc(text: &str, max_degree: usize) -> Result<GravityCoefficients, GravityError> {
    let mut model_name: Option<String> = None;
    let mut gm: Option<f64> = None;
    let mut radius: Option<f64> = None;
    let mut file_max: Option<usize> = None;
    let mut norm = Normalization::FullyNormalized;
    let mut tide = TideSystem::Unknown;

    let mut lines = text.lines().enumerate();
    let mut end_of_head = false;
    for (i, raw) in lines.by_ref() {
        let line = i + 1;
        let mut tokens = raw.split_whitespace();
        let Some(key) = tokens.next() else { continue };
        let value = tokens.next();
        let need = |v: Option<&str>| -> Result<String, GravityError> {
            v.map(str::to_string).ok_or_else(|| GravityError::Parse {
                line,
                message: format!("header keyword `{key}` has no value"),
            })
        };
        match key {
            "end_of_head" => {
                end_of_head = true;
                break;
            }
            "product_type" => {
                let v = need(value)?;
                if v != "gravity_field" {
                    return Err(GravityError::Parse {
                        line,
                        message: format!("product_type `{v}` is not `gravity_field`"),
                    });
                }
            }
            "modelname" => model_name = Some(need(value)?),
            "earth_gravity_constant" => {
                let v = parse_number(&need(value)?, line, "earth_gravity_constant (m^3/s^2)")?;
                if v <= 0.0 {
                    return Err(GravityError::Parse {
                        line,
                        message: format!("earth_gravity_constant {v} m^3/s^2 must be positive"),
                    });
                }
                gm = Some(v);
            }
            "radius" => {
                let v = parse_number(&need(value)?, line, "radius (m)")?;
                if v <= 0.0 {
                    return Err(GravityError::Parse {
                        line,
                        message: format!("radius {v} m must be positive"),
                    });
                }
                radius = Some(v);
            }
            "max_degree" => file_max = Some(parse_index(&need(value)?, line, "max_degree")?),
            "norm" => {
                norm = match need(value)?.as_str() {
                    "fully_normalized" => Normalization::FullyNormalized,
                    "unnormalized" => Normalization::Unnormalized,
                    other => {
                        return Err(GravityError::Parse {
                            line,
                            message: format!(
                                "norm `{other}` is neither `fully_normalized` nor `unnormalized`"
                            ),
                        })
                    }
                }
            }
            "tide_system" => {
                tide = match need(value)?.as_str() {
                    "tide_free" => TideSystem::TideFree,
                    "zero_tide" => TideSystem::ZeroTide,
                    "mean_tide" => TideSystem::MeanTide,
                    _ => TideSystem::Unknown,
                }
            }
            _ => {} // free text and keywords we do not need
        }
    }
    if !end_of_head {
        return Err(GravityError::Parse {
            line: text.lines().count(),
            message: "no `end_of_head` line: not an ICGEM gfc file".to_string(),
        });
    }
    let gm = gm.ok_or(GravityError::MissingHeader {
        keyword: "earth_gravity_constant",
    })?;
    let radius = radius.ok_or(GravityError::MissingHeader { keyword: "radius" })?;
    let file_max = file_max.ok_or(GravityError::MissingHeader {
        keyword: "max_degree",
    })?;
    let degree = max_degree.min(file_max);
    let mut coeffs = GravityCoefficients::new(
        model_name.as_deref().unwrap_or("unnamed"),
        gm,
        radius,
        tide,
        degree,
    )?;
    let mut seen = vec![false; tri_index(degree, degree) + 1];

    for (i, raw) in lines {
        let line = i + 1;
        let tokens: Vec<&str> = raw.split_whitespace().collect();
        let Some(&key) = tokens.first() else { continue };
        match key {
            "gfc" => {}
            "gfct" | "trnd" | "dot" | "acos" | "asin" => {
                return Err(GravityError::Parse {
                    line,
                    message: format!(
                        "time-variable key `{key}` is not supported (static `gfc` models only)"
                    ),
                })
            }
            other => {
                return Err(GravityError::Parse {
                    line,
                    message: format!("unknown data key `{other}` (expected `gfc`)"),
                })
            }
        }
        if tokens.len() < 5 {
            return Err(GravityError::Parse {
                line,
                message: format!(
                    "expected `gfc L M C S [sigma_C sigma_S]`, found {} fields",
                    tokens.len()
                ),
            });
        }
        let n = parse_index(tokens[1], line, "degree L")?;
        let m = parse_index(tokens[2], line, "order M")?;
        if m > n {
            return Err(GravityError::Parse {
                line,
                message: format!("order M = {m} exceeds degree L = {n}"),
            });
        }
        if n > file_max {
            return Err(GravityError::Parse {
                line,
                message: format!("degree L = {n} exceeds the header's max_degree {file_max}"),
            });
        }
        let c = parse_number(tokens[3], line, "coefficient C")?;
        let s = parse_number(tokens[4], line, "coefficient S")?;
        if n > degree {
            continue;
        }
        let idx = tri_index(n, m);
        if seen[idx] {
            return Err(GravityError::Parse {
                line,
                message: format!("coefficient L = {n}, M = {m} given twice"),
            });
        }
        seen[idx] = true;
        let scale = match norm {
            Normalization::FullyNormalized => 1.0,
            Normalization::Unnormalized => 1.0 / normalization_factor(n, m),
        };
        coeffs.set(n, m, c * scale, s * scale)?;
    }
    Ok(coeffs)
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    const HEAD: &str = "free text\nproduct_type gravity_field\nmodelname TEST\n\
        earth_gravity_constant 0.3986004415E+15\nradius 0.63781363E+07\nmax_degree 3\n\
        norm fully_normalized\ntide_system zero_tide\nkey L M C S\nend_of_head ====\n";

    #[test]
    fn reads_minimal_file_with_fortran_exponents() -> Result<(), GravityError> {
        let text = format!("{HEAD}gfc 0 0 1.0d0 0.0d0\ngfc 2 0 -0.4841D-03 0.0 1e-11 0\n\ngfc 3 3 1.5e-6 -2.5e-6\n");
        let g = parse_gfc(&text, 10)?;
        assert_eq!(g.max_degree(), 3);
        assert_eq!(g.model_name(), "TEST");
        assert_eq!(g.tide_system(), TideSystem::ZeroTide);
        assert_eq!(g.c(2, 0), -0.4841e-3);
        assert_eq!(g.c(3, 3), 1.5e-6);
        assert_eq!(g.s(3, 3), -2.5e-6);
        assert_eq!(g.c(2, 1), 0.0);
        assert_eq!(g.c(7, 1), 0.0);
        let g2 = parse_gfc(&text, 2)?;
        assert_eq!(g2.max_degree(), 2);
        assert_eq!(g2.c(3, 3), 0.0);
        Ok(())
    }

    #[test]
    fn errors_carry_line_numbers() {
        // Line 13 is the bad one: 10 header lines, then 3 data lines.
        let text = format!("{HEAD}gfc 0 0 1 0\ngfc 2 0 -1e-3 0\ngfc 2 x 1 0\n");
        match parse_gfc(&text, 3) {
            Err(GravityError::Parse { line, message }) => {
                assert_eq!(line, 13, "{message}");
                assert!(message.contains("order M"), "{message}");
            }
            other => panic!("expected a parse error, got {other:?}"),
        }
        let text = format!("{HEAD}gfc 2 3 1 0\n");
        assert!(matches!(
            parse_gfc(&text, 3),
            Err(GravityError::Parse { line: 11, .. })
        ));
        let text = format!("{HEAD}gfc 4 0 1 0\n");
        assert!(matches!(
            parse_gfc(&text, 3),
            Err(GravityError::Parse { line: 11, .. })
        ));
        let text = format!("{HEAD}gfc 2 0 1 0\ngfc 2 0 1 0\n");
        assert!(matches!(
            parse_gfc(&text, 3),
            Err(GravityError::Parse { line: 12, .. })
        ));
        let text = format!("{HEAD}gfct 2 0 1 0 2000\n");
        assert!(matches!(
            parse_gfc(&text, 3),
            Err(GravityError::Parse { line: 11, .. })
        ));
        let text = format!("{HEAD}gfc 2 0 nan 0\n");
        assert!(matches!(
            parse_gfc(&text, 3),
            Err(GravityError::Parse { line: 11, .. })
        ));
        assert!(matches!(
            parse_gfc("modelname X\nradius 1\n", 3),
            Err(GravityError::Parse { line: 2, .. })
        ));
        assert!(matches!(
            parse_gfc("radius 1\nmax_degree 2\nend_of_head\n", 3),
            Err(GravityError::MissingHeader {
                keyword: "earth_gravity_constant"
            })
        ));
    }

    #[test]
    fn unnormalized_files_are_normalized() -> Result<(), GravityError> {
        // Unnormalized J2-type coefficient: C20 = C̄20·√5 (Heiskanen & Moritz eq. 1-73).
        let text = HEAD.replace("fully_normalized", "unnormalized")
            + "gfc 2 0 -1.0826e-3 0\ngfc 2 2 1.57e-6 -0.9e-6\n";
        let g = parse_gfc(&text, 3)?;
        assert!((g.c(2, 0) - (-1.0826e-3 / 5f64.sqrt())).abs() < 1e-18);
        // N22 = √(2·5·0!/4!) = √(10/24).
        let n22 = (10.0f64 / 24.0).sqrt();
        assert!((g.c(2, 2) - 1.57e-6 / n22).abs() < 1e-20);
        assert!((g.s(2, 2) - (-0.9e-6 / n22)).abs() < 1e-20);
        Ok(())
    }

    #[test]
    fn embedded_egm2008_header() -> Result<(), GravityError> {
        let g = GravityCoefficients::egm2008()?;
        assert_eq!(g.model_name(), "EGM2008");
        assert_eq!(g.max_degree(), 90);
        assert_eq!(g.gm_m3_s2(), 3.986004415e14);
        assert_eq!(g.radius_m(), 6378136.3);
        assert_eq!(g.tide_system(), TideSystem::TideFree);
        assert_eq!(g.c(0, 0), 1.0);
        assert_eq!(g.c(1, 0), 0.0);
        assert_eq!(g.c(1, 1), 0.0);
        Ok(())
    }
}
