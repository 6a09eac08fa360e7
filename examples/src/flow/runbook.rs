//! The team runbook's failure table, and how a failed sync maps onto it.

use std::error::Error as StdError;

use keyless_gateway::{Error as GatewayError, FragmentFailureCause};
use serde::Serialize;

/// One row of the runbook's failure table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RunbookRow {
    /// What the operator sees.
    pub symptom: &'static str,
    /// What is behind it.
    pub cause: &'static str,
    /// What to do.
    pub resolution: &'static str,
}

/// ExternalSecrets stuck in `SecretSyncedError`: the CipherTrust Manager VM is unreachable.
pub const VM_UNREACHABLE: RunbookRow = RunbookRow {
    symptom: "ExternalSecrets stuck in `SecretSyncedError`",
    cause: "the CipherTrust Manager VM is unreachable",
    resolution: "check the VM; restore it from its snapshot if needed",
};

/// `/api/derived-key` answers 404: an upgrade broke the fragment endpoint.
pub const ENDPOINT_GONE: RunbookRow = RunbookRow {
    symptom: "`/api/derived-key` answers 404",
    cause: "an upgrade broke the fragment endpoint",
    resolution: "restore the VM from the last known-good backup",
};

/// `/api/derived-key` answers 500: the fragment service crashed.
pub const SERVICE_CRASHED: RunbookRow = RunbookRow {
    symptom: "`/api/derived-key` answers 500",
    cause: "the fragment service crashed",
    resolution: "restore the VM from the last known-good backup",
};

/// The whole table, in the runbook's order.
pub const TABLE: [RunbookRow; 3] = [VM_UNREACHABLE, ENDPOINT_GONE, SERVICE_CRASHED];

/// How a failure surfaced in keyless: the gateway client's error underneath a failed sync.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Diagnosis {
    /// The client error variant, e.g. `CustomerFragmentUnavailable` or `Unreachable`.
    pub client_error: &'static str,
    /// For a customer-fragment failure, its cause as the client read it.
    pub fragment_cause: Option<String>,
    /// The runbook row this failure is, if it is one of them.
    pub row: Option<RunbookRow>,
}

/// Finds the gateway client's error in `error`'s source chain and maps it onto the runbook.
/// `None` when no gateway error is underneath (a template error, say).
pub fn diagnose(error: &(dyn StdError + 'static)) -> Option<Diagnosis> {
    let gateway_error = gateway_error_in(error)?;
    let diagnosis = match gateway_error {
        // Reported by the gateway, or by a quorum in this process asking the fragment service
        // itself: the same runbook rows.
        GatewayError::CustomerFragmentUnavailable { cause, .. }
        | GatewayError::CustomerPartialUnavailable { cause, .. } => {
            let row = match cause {
                FragmentFailureCause::EndpointNotFound => Some(ENDPOINT_GONE),
                FragmentFailureCause::ServiceFailure => Some(SERVICE_CRASHED),
                FragmentFailureCause::Unreachable => Some(VM_UNREACHABLE),
                _ => None,
            };
            Diagnosis {
                client_error: variant_name(gateway_error),
                fragment_cause: Some(cause.to_string()),
                row,
            }
        }
        // The gateway lives in the same VM: when the VM is down, the gateway is unreachable.
        GatewayError::Unreachable { .. } | GatewayError::Timeout { .. } => Diagnosis {
            client_error: if matches!(gateway_error, GatewayError::Timeout { .. }) {
                "Timeout"
            } else {
                "Unreachable"
            },
            fragment_cause: None,
            row: Some(VM_UNREACHABLE),
        },
        other => Diagnosis {
            client_error: variant_name(other),
            fragment_cause: None,
            row: None,
        },
    };
    Some(diagnosis)
}

/// The first [`GatewayError`] in `error`'s source chain (`error` itself included).
pub fn gateway_error_in<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a GatewayError> {
    let mut current = Some(error);
    while let Some(layer) = current {
        if let Some(found) = layer.downcast_ref::<GatewayError>() {
            return Some(found);
        }
        current = layer.source();
    }
    None
}

fn variant_name(error: &GatewayError) -> &'static str {
    match error {
        GatewayError::InvalidConfig { .. } => "InvalidConfig",
        GatewayError::InvalidRequest { .. } => "InvalidRequest",
        GatewayError::Unauthenticated { .. } => "Unauthenticated",
        GatewayError::Denied { .. } => "Denied",
        GatewayError::NotFound { .. } => "NotFound",
        GatewayError::RateLimited { .. } => "RateLimited",
        GatewayError::Gateway { .. } => "Gateway",
        GatewayError::InvalidResponse { .. } => "InvalidResponse",
        GatewayError::MissingValue { .. } => "MissingValue",
        GatewayError::EmptyValue { .. } => "EmptyValue",
        GatewayError::CustomerFragmentUnavailable { .. } => "CustomerFragmentUnavailable",
        GatewayError::Unreachable { .. } => "Unreachable",
        GatewayError::Timeout { .. } => "Timeout",
        GatewayError::QuorumMisconfigured { .. } => "QuorumMisconfigured",
        GatewayError::DerivationStart { .. } => "DerivationStart",
        GatewayError::CustomerPartialUnavailable { .. } => "CustomerPartialUnavailable",
        GatewayError::NotEnoughPartials { .. } => "NotEnoughPartials",
        GatewayError::CombinePartials { .. } => "CombinePartials",
        _ => "other",
    }
}
