//! The parameters a lab offers as controls: each protocol lists its main
//! `params` fields with their ranges ([`Protocol::KNOBS`]), and the page
//! draws a panel from the list. A knob only describes the control; setting
//! one writes the field into the scenario, and the scenario's own reader
//! and `validate` decide whether the value is accepted, with the same
//! message a scenario file would get.
//!
//! [`Protocol::KNOBS`]: crate::node::Protocol::KNOBS

use serde_json::Value;

/// One parameter as a control.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Knob {
    /// Where it lives in `params`, as a JSON pointer (`/r`,
    /// `/election_timeout_ms/0`).
    pub key: &'static str,
    /// Its name on the control (`R`).
    pub label: &'static str,
    /// One sentence on what it does, with the paper's section where there
    /// is one (the control's tooltip).
    pub help: &'static str,
    /// What kind of control.
    pub kind: KnobKind,
}

/// The kind of control a knob is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KnobKind {
    /// On or off (a JSON boolean).
    Switch,
    /// A number from `min` to `max` in steps of `step`, in `unit` (`ms`,
    /// or empty).
    Number {
        /// The smallest value offered.
        min: f64,
        /// The largest value offered.
        max: f64,
        /// The step between values.
        step: f64,
        /// The unit shown after the value.
        unit: &'static str,
    },
    /// One of these names (a JSON string).
    Choice(&'static [&'static str]),
}

impl Knob {
    /// A switch.
    pub const fn switch(key: &'static str, label: &'static str, help: &'static str) -> Knob {
        Knob {
            key,
            label,
            help,
            kind: KnobKind::Switch,
        }
    }

    /// A whole number from `min` to `max` in `unit`.
    pub const fn count(
        key: &'static str,
        label: &'static str,
        help: &'static str,
        (min, max, step): (u32, u32, u32),
        unit: &'static str,
    ) -> Knob {
        Knob {
            key,
            label,
            help,
            kind: KnobKind::Number {
                min: min as f64,
                max: max as f64,
                step: step as f64,
                unit,
            },
        }
    }

    /// A fraction or rate from `min` to `max` in steps of `step`.
    pub const fn real(
        key: &'static str,
        label: &'static str,
        help: &'static str,
        (min, max, step): (f64, f64, f64),
        unit: &'static str,
    ) -> Knob {
        Knob {
            key,
            label,
            help,
            kind: KnobKind::Number {
                min,
                max,
                step,
                unit,
            },
        }
    }

    /// One of `names`.
    pub const fn choice(
        key: &'static str,
        label: &'static str,
        help: &'static str,
        names: &'static [&'static str],
    ) -> Knob {
        Knob {
            key,
            label,
            help,
            kind: KnobKind::Choice(names),
        }
    }

    /// The knob's value in `params` (a run's `params` as its scenario
    /// writes them). A field left out is at its off value: options that
    /// are off stay out of a scenario (see [`Knob::off`]).
    pub fn value(&self, params: &Value) -> Value {
        params
            .pointer(self.key)
            .cloned()
            .unwrap_or_else(|| self.off())
    }

    /// The value a field left out of a scenario has: off, the smallest
    /// number, or the first choice.
    pub fn off(&self) -> Value {
        match self.kind {
            KnobKind::Switch => Value::Bool(false),
            KnobKind::Number { min, .. } => Value::from(min as u64),
            KnobKind::Choice(names) => Value::from(names[0]),
        }
    }

    /// Writes `value` into `params` at the knob's place: a missing
    /// top-level field is added; a nested one must already exist.
    pub fn set(&self, params: &mut Value, value: Value) -> Result<(), String> {
        if let Some(slot) = params.pointer_mut(self.key) {
            *slot = value;
            return Ok(());
        }
        let field = self.key.strip_prefix('/').unwrap_or(self.key);
        match params {
            Value::Object(map) if !field.contains('/') => {
                map.insert(field.into(), value);
                Ok(())
            }
            Value::Null => {
                let mut map = serde_json::Map::new();
                map.insert(field.into(), value);
                *params = Value::Object(map);
                Ok(())
            }
            _ => Err(format!("params has no {}", self.key)),
        }
    }

    /// Reads what a control holds (`"true"`, `"12"`, `"lww"`) as the
    /// knob's JSON value, or says why it is not one.
    pub fn parse(&self, text: &str) -> Result<Value, String> {
        match self.kind {
            KnobKind::Switch => match text {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(format!("{}: expected on or off", self.label)),
            },
            KnobKind::Number { min, max, step, .. } => {
                let text = text.trim();
                let n = crate::decimal::parse(text)
                    .ok_or_else(|| format!("{}: '{text}' is not a number", self.label))?;
                if !(min..=max).contains(&n) {
                    return Err(format!(
                        "{}: {text} is outside {} to {}",
                        self.label,
                        show(min),
                        show(max)
                    ));
                }
                if step >= 1.0 {
                    if n.fract() != 0.0 {
                        return Err(format!("{}: must be a whole number", self.label));
                    }
                    Ok(Value::from(n as u64))
                } else {
                    Ok(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
                }
            }
            KnobKind::Choice(names) => names
                .iter()
                .find(|&&n| n == text)
                .map(|&n| Value::from(n))
                .ok_or_else(|| format!("{}: expected one of {}", self.label, names.join(", "))),
        }
    }
}

/// A number as a scenario writes it (`3`, `0.25`), without the standard
/// float formatting.
pub fn show(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        (n as i64).to_string()
    } else {
        Value::from(n).to_string()
    }
}

/// Checks a protocol's knobs against its default parameters: every key
/// names a field that is there, of the kind the knob says, and every
/// number range is sound. The registry's tests run it for every protocol.
pub fn check(knobs: &[Knob], defaults: &Value) -> Result<(), String> {
    for k in knobs {
        let value = k.value(defaults);
        let fits = match k.kind {
            KnobKind::Switch => value.is_boolean(),
            KnobKind::Number { min, max, step, .. } => {
                min < max && step > 0.0 && value.as_f64().is_some_and(|v| (min..=max).contains(&v))
            }
            KnobKind::Choice(names) => value.as_str().is_some_and(|s| names.contains(&s)),
        };
        if !fits {
            return Err(format!(
                "knob {}: the default {value} does not fit its control",
                k.key
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const R: Knob = Knob::count("/r", "R", "", (1, 32, 1), "");
    const LO: Knob = Knob::count("/timeout/0", "min", "", (10, 1000, 10), "ms");

    #[test]
    fn set_writes_a_top_level_field_or_a_nested_one() {
        let mut p = json!({"n": 3, "timeout": [150, 300]});
        R.set(&mut p, json!(1)).unwrap();
        LO.set(&mut p, json!(200)).unwrap();
        assert_eq!(p, json!({"n": 3, "r": 1, "timeout": [200, 300]}));
        let mut empty = Value::Null;
        R.set(&mut empty, json!(2)).unwrap();
        assert_eq!(empty, json!({"r": 2}));
        assert!(LO.set(&mut json!({}), json!(1)).is_err());
    }

    #[test]
    fn parse_refuses_what_the_control_cannot_hold() {
        assert_eq!(R.parse("4"), Ok(json!(4)));
        assert_eq!(R.parse("40").unwrap_err(), "R: 40 is outside 1 to 32");
        assert_eq!(R.parse("2.5").unwrap_err(), "R: must be a whole number");
        assert_eq!(R.parse("x").unwrap_err(), "R: 'x' is not a number");
        let frac = Knob::real("/f", "F", "", (0.0, 1.0, 0.05), "");
        assert_eq!(frac.parse("0.25"), Ok(json!(0.25)));
        let mode = Knob::choice("/mode", "Mode", "", &["push", "pull"]);
        assert_eq!(mode.parse("pull"), Ok(json!("pull")));
        assert!(mode.parse("push-pull").is_err());
        assert_eq!(Knob::switch("/s", "S", "").parse("true"), Ok(json!(true)));
    }

    #[test]
    fn check_fires_on_a_knob_that_does_not_fit_the_defaults() {
        assert!(check(&[R], &json!({"r": 2})).is_ok());
        assert!(check(&[R], &json!({"r": 0}))
            .unwrap_err()
            .contains("does not fit"));
        // A field left out reads as its off value: here 1, which fits.
        assert_eq!(R.value(&json!({"n": 2})), json!(1));
        assert!(check(&[R], &json!({"n": 2})).is_ok());
        let sw = Knob::switch("/r", "R", "");
        assert!(check(&[sw], &json!({"r": 2})).is_err());
    }
}
