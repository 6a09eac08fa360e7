//! Shared fixtures for the integration tests: a dealt key, a customer fragment, a roster.

#![allow(dead_code, unreachable_pub)]

use keyless_fragments::{
    CustomerFragment, DerivedPartial, Error, ItemContext, ItemKey, KeyId, KeyVersion,
    PendingDerivation, Roster, SaasShare, Threshold, deal_saas_shares,
};

pub struct Fixture {
    pub key_id: KeyId,
    pub version: KeyVersion,
    pub shares: Vec<SaasShare>,
    pub customer: CustomerFragment,
    pub roster: Roster,
    pub context: ItemContext,
}

impl Fixture {
    pub fn new(threshold: u16, holders: u16) -> Self {
        let key_id = KeyId::generate().unwrap();
        let version = KeyVersion::new(3);
        let dealing =
            deal_saas_shares(key_id, version, Threshold::new(threshold, holders).unwrap()).unwrap();
        let customer = CustomerFragment::generate(key_id, version).unwrap();
        let roster = Roster::new(&dealing.commitments, customer.public_share()).unwrap();
        let context = ItemContext::new(key_id, version, "/mdapi/billing/db/PASSWORD", 4).unwrap();
        Self {
            key_id,
            version,
            shares: dealing.shares,
            customer,
            roster,
            context,
        }
    }

    pub fn share(&self, id: u16) -> &SaasShare {
        self.shares
            .iter()
            .find(|share| share.holder().get() == id)
            .unwrap()
    }

    pub fn start(&self) -> PendingDerivation {
        PendingDerivation::start(&self.roster, &self.context).unwrap()
    }

    /// Partials of the given SaaS holders followed by the customer partial.
    pub fn partials(&self, pending: &PendingDerivation, ids: &[u16]) -> Vec<DerivedPartial> {
        let mut partials: Vec<DerivedPartial> = ids
            .iter()
            .map(|id| self.share(*id).evaluate(pending.request()).unwrap())
            .collect();
        partials.push(self.customer.evaluate(pending.request()).unwrap());
        partials
    }

    pub fn saas_only(&self, pending: &PendingDerivation, ids: &[u16]) -> Vec<DerivedPartial> {
        ids.iter()
            .map(|id| self.share(*id).evaluate(pending.request()).unwrap())
            .collect()
    }

    pub fn derive(&self, ids: &[u16]) -> Result<ItemKey, Error> {
        let pending = self.start();
        let partials = self.partials(&pending, ids);
        pending.finish(&partials)
    }
}

/// Replaces `len` bytes at `offset` of a partial's wire form and parses it again.
pub fn patch(partial: &DerivedPartial, offset: usize, bytes: &[u8]) -> DerivedPartial {
    let mut encoded = partial.to_bytes();
    encoded[offset..offset + bytes.len()].copy_from_slice(bytes);
    DerivedPartial::from_bytes(&encoded).unwrap()
}

/// The order of the ristretto255 group, little-endian: a non-canonical scalar.
pub const GROUP_ORDER: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// Offsets in the 124-byte partial layout.
pub mod offset {
    pub const HOLDER: usize = 2;
    pub const KEY_ID: usize = 4;
    pub const KEY_VERSION: usize = 20;
    pub const EPOCH: usize = 24;
    pub const ELEMENT: usize = 28;
    pub const PROOF_C: usize = 60;
    pub const PROOF_S: usize = 92;
}
