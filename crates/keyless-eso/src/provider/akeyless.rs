//! The Akeyless provider over the typed gateway client (feature `gateway`).
