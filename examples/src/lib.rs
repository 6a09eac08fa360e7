//! Shared helpers for the keyless reference flows.
