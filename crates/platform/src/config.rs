//! One settings struct, layered: embedded defaults (`config/default.toml`)
//! → optional file → `KEM_*` environment → command-line overrides.

use std::{fmt, net::SocketAddr, path::PathBuf};

use figment::{
    providers::{Env, Format, Serialized, Toml},
    Figment,
};
use serde::{Deserialize, Serialize};

/// The defaults, compiled in so a fresh machine needs no file.
pub const DEFAULTS_TOML: &str = include_str!("../../../config/default.toml");

/// A secret string: deserialised like a string, never printed.
#[derive(Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "\"***\"" })
    }
}

/// Every setting of the process; see `config/default.toml` for each one's meaning.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub database_max_connections: u32,
    pub cache_url: String,
    pub cache_key_prefix: String,
    pub cache_timeout_ms: u64,
    pub bus_url: String,
    pub bus_publish_timeout_ms: u64,
    pub bus_group_prefix: String,
    pub bus_skip_history: bool,
    pub bus_fetch_wait_ms: u64,
    pub outbox_relay_interval_ms: u64,
    pub processed_message_retention_hours: u64,
    pub services: String,
    pub jwt_secret: Secret,
    pub token_ttl_secs: u64,
    pub login_max_failures: u32,
    pub login_lock_secs: u64,
    pub max_body_bytes: usize,
    pub log_format: String,
    /// On SIGTERM / Ctrl-C: the longest wait for in-flight requests and then
    /// for background tasks (consumers, relays) to finish.
    pub shutdown_timeout_secs: u64,
    /// Tables such as `[ai]` or `[content]`, read by the service that owns
    /// them through [`Settings::section`], so that a service's settings live
    /// beside its code. Environment: `KEM_AI__PROVIDER=llm` sets `ai.provider`.
    #[serde(flatten)]
    pub sections: Sections,
}

/// The per-service setting tables, kept raw until their service reads them.
#[derive(Clone, Default, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Sections(std::collections::BTreeMap<String, figment::value::Value>);

impl fmt::Debug for Sections {
    // Only the names: a table may hold credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

/// Values given on the command line; they win over every other layer.
/// `kem` and `kem-bench` take them as the same global flags.
#[derive(Debug, Default, Serialize, clap::Args)]
pub struct CliOverrides {
    /// Address to listen on (default 127.0.0.1:8080; the benches bind port 0 themselves).
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    /// Directory for SQLite files and the generated secret (default ./data; the
    /// benches use a scratch directory).
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// Services to mount: "all" or a comma list such as "user,event".
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub services: Option<String>,
}

/// The global flags of `kem` and `kem-bench`: a settings file and the overrides.
#[derive(Debug, clap::Args)]
pub struct CliArgs {
    /// Settings file (TOML) layered over the embedded defaults.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub overrides: CliOverrides,
}

impl CliArgs {
    /// The settings these flags ask for.
    pub fn load(self) -> Result<Settings, ConfigError> {
        Settings::load(self.config.as_deref(), self.overrides)
    }
}

/// Errors found while loading or checking the settings.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read settings: {0}")]
    Load(#[from] Box<figment::Error>),
    /// `name` is the setting's path: `bus_url`, or `ai.provider` for a table's field.
    #[error("invalid setting {name} (env {}): {reason}", env_name(name))]
    Invalid { name: String, reason: String },
}

/// The environment variable that sets `name` (`ai.provider` → `KEM_AI__PROVIDER`).
pub fn env_name(name: &str) -> String {
    format!("KEM_{}", name.replace('.', "__").to_ascii_uppercase())
}

/// Checks of one table's fields, each failure naming `table.field` and what
/// is allowed.
pub struct Checks {
    table: &'static str,
}

impl Checks {
    /// Checks of the fields of `[table]`.
    pub fn new(table: &'static str) -> Checks {
        Checks { table }
    }

    fn invalid(&self, field: &str, reason: String) -> ConfigError {
        ConfigError::Invalid {
            name: format!("{}.{field}", self.table),
            reason,
        }
    }

    /// `value` lies in `min..=max`.
    pub fn range<T: PartialOrd + fmt::Display>(
        &self,
        field: &str,
        value: T,
        min: T,
        max: T,
    ) -> Result<(), ConfigError> {
        if value < min || value > max {
            return Err(self.invalid(field, format!("{value}; allowed: {min} to {max}")));
        }
        Ok(())
    }

    /// `value` is one of `allowed`.
    pub fn one_of(&self, field: &str, value: &str, allowed: &[&str]) -> Result<(), ConfigError> {
        if !allowed.contains(&value) {
            return Err(self.invalid(field, format!("{value:?}; allowed: {}", allowed.join(", "))));
        }
        Ok(())
    }

    /// `value` is an absolute http(s) URL, or empty when `may_be_empty`.
    pub fn http_url(
        &self,
        field: &str,
        value: &str,
        may_be_empty: bool,
    ) -> Result<(), ConfigError> {
        if value.is_empty() && may_be_empty {
            return Ok(());
        }
        let parsed = url::Url::parse(value);
        if !parsed.is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host()) {
            let empty = if may_be_empty { " or empty" } else { "" };
            return Err(self.invalid(
                field,
                format!("{value:?}; allowed: an http:// or https:// URL{empty}"),
            ));
        }
        Ok(())
    }
}

impl Settings {
    /// Loads defaults → `file` → `KEM_*` env → `cli`, then validates.
    pub fn load(
        file: Option<&std::path::Path>,
        cli: CliOverrides,
    ) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULTS_TOML));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        let settings: Settings = figment
            .merge(Env::prefixed("KEM_").split("__"))
            .merge(Serialized::defaults(cli))
            .extract()
            .map_err(Box::new)?;
        settings.validate()?;
        Ok(settings)
    }

    /// The embedded defaults alone (tests start from these and adjust fields).
    pub fn defaults() -> Settings {
        Figment::from(Toml::string(DEFAULTS_TOML))
            .extract()
            .expect("embedded defaults are valid")
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let scheme_ok = |url: &str, schemes: &[&str]| schemes.iter().any(|s| url.starts_with(s));
        if !["text", "json"].contains(&self.log_format.as_str()) {
            return Err(invalid("log_format", "allowed: text, json"));
        }
        let positive = [
            ("cache_timeout_ms", self.cache_timeout_ms),
            ("bus_publish_timeout_ms", self.bus_publish_timeout_ms),
            ("outbox_relay_interval_ms", self.outbox_relay_interval_ms),
            (
                "processed_message_retention_hours",
                self.processed_message_retention_hours,
            ),
            ("login_max_failures", u64::from(self.login_max_failures)),
            ("max_body_bytes", self.max_body_bytes as u64),
            ("shutdown_timeout_secs", self.shutdown_timeout_secs),
        ];
        if let Some((name, _)) = positive.iter().find(|(_, value)| *value == 0) {
            return Err(invalid(name, "allowed: a positive number"));
        }
        if !scheme_ok(
            &self.database_url,
            &["sqlite:", "postgres://", "postgresql://"],
        ) {
            return Err(invalid("database_url", "use sqlite:// or postgres://"));
        }
        if !scheme_ok(&self.cache_url, &["memory://", "redis://", "rediss://"]) {
            return Err(invalid("cache_url", "use memory:// or redis://"));
        }
        if !scheme_ok(&self.bus_url, &["memory://", "kafka://"]) {
            return Err(invalid("bus_url", "use memory:// or kafka://host:port"));
        }
        if self.token_ttl_secs == 0 {
            return Err(invalid("token_ttl_secs", "must be positive"));
        }
        if self.database_max_connections == 0 {
            return Err(invalid("database_max_connections", "must be positive"));
        }
        if !self.jwt_secret.is_empty() && self.jwt_secret.expose().len() < 32 {
            return Err(invalid("jwt_secret", "must be at least 32 characters"));
        }
        Ok(())
    }

    /// [`Self::section`], refusing keys `T` does not have, so that a misspelt
    /// setting (`KEM_AI__PROVDER`) stops the start instead of being ignored.
    /// `shared` names keys of the same table that other code reads.
    pub fn section_strict<T: serde::de::DeserializeOwned + Serialize + Default>(
        &self,
        name: &str,
        shared: &[&str],
    ) -> Result<T, ConfigError> {
        let value: T = self.section(name)?;
        if let Some(raw) = self.sections.0.get(name) {
            let known = figment::value::Value::serialize(T::default()).map_err(|e| {
                ConfigError::Invalid {
                    name: name.to_string(),
                    reason: e.to_string(),
                }
            })?;
            if let Some(unknown) = unknown_key(name, raw, &known, shared) {
                return Err(ConfigError::Invalid {
                    name: unknown,
                    reason: "no such setting; see config/default.toml".into(),
                });
            }
        }
        Ok(value)
    }

    /// The table `[name]` as the owning service's settings type; fields it
    /// leaves out take the type's serde defaults.
    pub fn section<T: serde::de::DeserializeOwned + Default>(
        &self,
        name: &str,
    ) -> Result<T, ConfigError> {
        match self.sections.0.get(name) {
            None => Ok(T::default()),
            Some(value) => value.deserialize().map_err(|e| {
                let mut path = vec![name.to_string()];
                path.extend(e.path.iter().cloned());
                ConfigError::Invalid {
                    name: path.join("."),
                    reason: e.kind.to_string(),
                }
            }),
        }
    }

    /// Replaces the table `[name]` (tests adjust a service's settings with it).
    pub fn set_section<T: Serialize>(&mut self, name: &str, value: &T) {
        let value = figment::value::Value::serialize(value).expect("settings serialise");
        self.sections.0.insert(name.to_string(), value);
    }

    /// The services this process mounts, by name.
    pub fn mounted_services(&self) -> Vec<String> {
        self.services
            .split(',')
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// The path of the first key of `raw` that `known` (a serialised default)
/// lacks, looking into nested tables.
fn unknown_key(
    path: &str,
    raw: &figment::value::Value,
    known: &figment::value::Value,
    shared: &[&str],
) -> Option<String> {
    use figment::value::Value;
    let (Value::Dict(_, raw), Value::Dict(_, known)) = (raw, known) else {
        return None;
    };
    raw.iter().find_map(|(key, value)| match known.get(key) {
        None if shared.contains(&key.as_str()) => None,
        None => Some(format!("{path}.{key}")),
        Some(default) => unknown_key(&format!("{path}.{key}"), value, default, &[]),
    })
}

fn invalid(name: &str, reason: &str) -> ConfigError {
    ConfigError::Invalid {
        name: name.to_string(),
        reason: reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_defaults_run_without_any_backend() {
        let s = Settings::defaults();
        assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(s.database_url, "sqlite://");
        assert_eq!(s.cache_url, "memory://");
        assert_eq!(s.bus_url, "memory://");
        s.validate().expect("defaults validate");
    }

    #[test]
    fn secrets_are_not_printed() {
        let mut s = Settings::defaults();
        s.jwt_secret = Secret::new("a-very-long-secret-value-of-more-than-32");
        assert!(!format!("{s:?}").contains("very-long"));
    }

    #[derive(Debug, Default, Deserialize, Serialize, PartialEq)]
    #[serde(default)]
    struct Sample {
        provider: String,
        timeout_secs: u64,
    }

    #[test]
    fn sections_are_read_by_their_service_with_defaults_for_missing_fields() {
        let figment = Figment::from(Toml::string(DEFAULTS_TOML))
            .merge(Toml::string("[sample]\nprovider = \"llm\"\n"));
        let s: Settings = figment.extract().expect("settings");
        let sample: Sample = s.section("sample").expect("section");
        assert_eq!(sample.provider, "llm");
        assert_eq!(sample.timeout_secs, 0);
        assert_eq!(
            s.section::<Sample>("absent").expect("absent"),
            Sample::default()
        );
        let mut s = s;
        s.set_section(
            "sample",
            &Sample {
                provider: "builtin".into(),
                timeout_secs: 3,
            },
        );
        assert_eq!(s.section::<Sample>("sample").expect("set").timeout_secs, 3);
    }

    #[test]
    fn unknown_backend_schemes_are_refused() {
        let mut s = Settings::defaults();
        s.cache_url = "memcached://x".into();
        assert!(matches!(
            s.validate(),
            Err(ConfigError::Invalid { name, .. }) if name == "cache_url"
        ));
    }

    #[test]
    fn a_bad_table_field_is_named_with_its_path_and_env_variable() {
        let figment = Figment::from(Toml::string(DEFAULTS_TOML))
            .merge(Toml::string("[sample]\ntimeout_secs = \"soon\"\n"));
        let s: Settings = figment.extract().expect("settings");
        let error = s.section::<Sample>("sample").expect_err("invalid");
        let text = error.to_string();
        assert!(text.contains("sample.timeout_secs"), "{text}");
        assert!(text.contains("KEM_SAMPLE__TIMEOUT_SECS"), "{text}");
        let checks = Checks::new("ai");
        let e = checks
            .one_of("provider", "gpt", &["builtin", "llm"])
            .expect_err("bad");
        assert!(e.to_string().contains("ai.provider") && e.to_string().contains("builtin, llm"));
        assert!(checks.range("max", 0, 1, 64).is_err() && checks.range("max", 4, 1, 64).is_ok());
        assert!(checks.http_url("u", "ftp://x", true).is_err());
        assert!(checks.http_url("u", "", true).is_ok() && checks.http_url("u", "", false).is_err());
        assert!(checks.http_url("u", "http://127.0.0.1:8081", false).is_ok());
    }
}
