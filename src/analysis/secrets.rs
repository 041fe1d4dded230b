//! Which variables hold secrets (passwords, PINs, product keys): what `plaintext-secret` checks
//! and what renderings and the semantic diff mask.

/// Secret variables that do not end in `Password`.
const SECRETS: &[&str] = &["OSDBitLockerPIN", "OSDProductKey", "OSDUpgradeOsProductKey"];
/// Variables ending in `Password` that hold options, not passwords.
const NOT_SECRETS: &[&str] = &["OSDRandomAdminPassword", "OSDBitLockerCreateRecoveryPassword"];

/// Whether a variable named `name` holds a secret (case-insensitive).
pub(crate) fn is_secret_var(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.ends_with("password") && !NOT_SECRETS.iter().any(|n| n.eq_ignore_ascii_case(name)))
        || SECRETS.iter().any(|n| n.eq_ignore_ascii_case(name))
}
