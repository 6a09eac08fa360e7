//! Checks shared by the keyless-fragments fuzz targets and by the replay test in that crate
//! (`crates/keyless-fragments/tests/fuzz_corpus.rs`), so that a committed corpus input is
//! checked the same way in both places.
//!
//! The fixture is throwaway key material (`fragments_fixture.json`): a 2-of-3 SaaS sharing,
//! a customer fragment and their roster, so that runs are reproducible and a committed sealed
//! envelope opens.

#![allow(dead_code)]

use std::sync::OnceLock;

use keyless_fragments::{
    CustomerFragment, DerivedPartial, Envelope, ItemContext, ItemKey, KeyCheck, PARTIAL_LEN,
    PendingDerivation, PublicElement, Roster, SaasShare,
};

/// The item every fuzz derivation is for.
pub(crate) const ITEM_PATH: &str = "/fuzz/service/SECRET";
/// Its version.
pub(crate) const ITEM_VERSION: u64 = 1;

pub(crate) struct Fixture {
    pub(crate) roster: Roster,
    pub(crate) shares: Vec<SaasShare>,
    pub(crate) customer: CustomerFragment,
    pub(crate) context: ItemContext,
    pub(crate) key: ItemKey,
}

impl Fixture {
    /// Genuine partials of holders 1 and 2 and of the customer, for `pending`.
    pub(crate) fn genuine_partials(&self, pending: &PendingDerivation) -> Vec<DerivedPartial> {
        let request = pending.request();
        vec![
            self.shares[0]
                .evaluate(request)
                .expect("holder 1 evaluates"),
            self.shares[1]
                .evaluate(request)
                .expect("holder 2 evaluates"),
            self.customer.evaluate(request).expect("customer evaluates"),
        ]
    }
}

pub(crate) fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let json: serde_json::Value =
            serde_json::from_str(include_str!("fragments_fixture.json")).expect("fixture JSON");
        let roster: Roster = serde_json::from_value(json["roster"].clone()).expect("roster");
        let shares: Vec<SaasShare> =
            serde_json::from_value(json["shares"].clone()).expect("shares");
        let customer: CustomerFragment =
            serde_json::from_value(json["customer"].clone()).expect("customer fragment");
        let context = ItemContext::new(
            roster.key_id(),
            roster.key_version(),
            ITEM_PATH,
            ITEM_VERSION,
        )
        .expect("context");
        let pending = PendingDerivation::start(&roster, &context).expect("start");
        let partials = [
            shares[0]
                .evaluate(pending.request())
                .expect("holder 1 evaluates"),
            shares[1]
                .evaluate(pending.request())
                .expect("holder 2 evaluates"),
            customer
                .evaluate(pending.request())
                .expect("customer evaluates"),
        ];
        let key = pending.finish(&partials).expect("fixture derivation");
        Fixture {
            roster,
            shares,
            customer,
            context,
            key,
        }
    })
}

/// `partial_finish`: the first byte picks a mode.
///
/// - `0`: the rest is a list of wire partials (124-byte chunks; a shorter tail exercises the
///   length check). Forged partials cannot carry valid proofs for a fresh blinded element, so
///   the verified finish must fail, and the optimistic finish must never give a wrong key.
/// - otherwise: the rest is XORed over the concatenated genuine partials of this run; the
///   result must be the fixture's key or an error, never another key.
pub(crate) fn check_partial_finish(data: &[u8]) {
    let fixture = fixture();
    let pending = PendingDerivation::start(&fixture.roster, &fixture.context).expect("start");
    let expected = fixture.key.key_check();
    let Some((mode, rest)) = data.split_first() else {
        return;
    };

    let partials = if *mode == 0 {
        let mut partials = Vec::new();
        for chunk in rest.chunks(PARTIAL_LEN) {
            if let Ok(partial) = DerivedPartial::from_bytes(chunk) {
                assert_eq!(
                    partial.to_bytes().as_slice(),
                    chunk,
                    "wire form must round-trip"
                );
                partials.push(partial);
            } else {
                assert!(
                    chunk.len() != PARTIAL_LEN || chunk[0] != 1 || chunk[1] != 1,
                    "a well-formed 124-byte partial was refused"
                );
            }
        }
        assert!(
            pending.finish(&partials).is_err(),
            "forged partials gave a key"
        );
        partials
    } else {
        let mut bytes: Vec<u8> = fixture
            .genuine_partials(&pending)
            .iter()
            .flat_map(|p| p.to_bytes())
            .collect();
        for (byte, mask) in bytes.iter_mut().zip(rest) {
            *byte ^= mask;
        }
        let partials: Vec<DerivedPartial> = bytes
            .chunks(PARTIAL_LEN)
            .filter_map(|chunk| DerivedPartial::from_bytes(chunk).ok())
            .collect();
        if let Ok(key) = pending.finish(&partials) {
            assert_eq!(
                key.key_check(),
                expected,
                "verified finish gave a wrong key"
            );
        }
        partials
    };

    if let Ok(key) = pending.finish_optimistic(&partials, &expected) {
        assert_eq!(
            key.key_check(),
            expected,
            "optimistic finish gave a wrong key"
        );
    }
    let other = KeyCheck::from_bytes([0x5a; 16]);
    assert!(pending.finish_optimistic(&partials, &other).is_err());
}

/// `envelope_open`: parsing must round-trip; opening with the fixture's key succeeds only for
/// an envelope bound to the fixture's item, and what opens re-seals to something that opens.
pub(crate) fn check_envelope_open(data: &[u8]) {
    let fixture = fixture();
    let Ok(envelope) = Envelope::from_bytes(data) else {
        return;
    };
    assert_eq!(
        envelope.as_bytes(),
        data,
        "parsing must not alter the envelope"
    );
    assert_eq!(
        envelope.plaintext_len() + keyless_fragments::OVERHEAD,
        data.len()
    );

    if let Ok(plaintext) = fixture.key.open(&envelope) {
        use secrecy::ExposeSecret as _;
        assert_eq!(envelope.key_id(), fixture.roster.key_id());
        assert_eq!(envelope.item_version(), ITEM_VERSION);
        assert_eq!(envelope.key_check(), fixture.key.key_check());
        let plaintext = plaintext.expose_secret();
        assert_eq!(plaintext.len(), envelope.plaintext_len());
        let resealed = fixture.key.seal(plaintext).expect("seal");
        let reopened = fixture.key.open(&resealed).expect("reopen");
        assert_eq!(reopened.expose_secret(), plaintext);
    }
}

/// `roster_decode`: JSON decoding of rosters, shares and customer fragments never panics, and
/// whatever decodes re-encodes to something that decodes to the same value. The raw element
/// parsers get the same bytes.
pub(crate) fn check_roster_decode(data: &[u8]) {
    if let Ok(roster) = serde_json::from_slice::<Roster>(data) {
        let encoded = serde_json::to_vec(&roster).expect("encode roster");
        let decoded: Roster = serde_json::from_slice(&encoded).expect("re-decode roster");
        assert_eq!(decoded, roster);
    }
    if let Ok(share) = serde_json::from_slice::<SaasShare>(data) {
        let encoded = serde_json::to_vec(&share).expect("encode share");
        let decoded: SaasShare = serde_json::from_slice(&encoded).expect("re-decode share");
        assert_eq!(decoded.public_share(), share.public_share());
        assert_eq!(decoded.holder(), share.holder());
    }
    if let Ok(customer) = serde_json::from_slice::<CustomerFragment>(data) {
        let encoded = serde_json::to_vec(&customer).expect("encode fragment");
        let decoded: CustomerFragment = serde_json::from_slice(&encoded).expect("re-decode");
        assert_eq!(decoded.public_share(), customer.public_share());
    }
    if let Ok(element) = PublicElement::from_bytes(data) {
        assert_eq!(element.to_bytes().as_slice(), data);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(element) = PublicElement::from_base64(text) {
            assert_eq!(
                PublicElement::from_base64(&element.to_base64()).ok(),
                Some(element)
            );
        }
        if let Ok(key_id) = keyless_fragments::KeyId::from_base64(text) {
            assert_eq!(key_id.to_base64(), text);
        }
    }
}
