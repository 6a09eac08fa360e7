//! Property tests (proptest). Case counts are kept small: every case runs real group
//! operations, and the whole suite has to stay fast in debug builds.

mod common;

use std::sync::OnceLock;

use common::Fixture;
use keyless_fragments::{
    DerivedPartial, Envelope, Error, ItemContext, PARTIAL_LEN, PendingDerivation, SaasShare,
    deal_refresh,
};
use proptest::prelude::*;
use proptest::sample::subsequence;
use secrecy::ExposeSecret;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A (t, n) pair with 1 <= t <= n <= 6 and a permutation-free subset of holder ids.
fn threshold_and_subset(min_extra: usize) -> impl Strategy<Value = (u16, u16, Vec<u16>)> {
    (1u16..=6)
        .prop_flat_map(|holders| (1u16..=holders, Just(holders)))
        .prop_flat_map(move |(threshold, holders)| {
            let ids: Vec<u16> = (1..=holders).collect();
            let max = usize::from(holders);
            let min = usize::from(threshold).min(max).saturating_sub(min_extra);
            (Just(threshold), Just(holders), subsequence(ids, min..=max))
        })
}

fn shared_fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| Fixture::new(2, 3))
}

proptest! {
    #![proptest_config(config(12))]

    /// Any subset of at least t SaaS partials plus the customer partial gives the same key.
    #[test]
    fn any_t_subset_gives_the_same_key((threshold, holders, subset) in threshold_and_subset(0)) {
        prop_assume!(subset.len() >= usize::from(threshold));
        let fixture = Fixture::new(threshold, holders);
        let all: Vec<u16> = (1..=holders).collect();
        let reference = fixture.derive(&all).unwrap();
        let key = fixture.derive(&subset).unwrap();
        prop_assert_eq!(key.key_check(), reference.key_check());
        let envelope = reference.seal(b"x").unwrap();
        let opened = key.open(&envelope).unwrap();
        prop_assert_eq!(opened.expose_secret(), b"x");
    }

    /// Fewer than t SaaS partials, or no customer partial, never give a key.
    #[test]
    fn too_few_or_no_customer_never_gives_a_key(
        (threshold, holders, subset) in threshold_and_subset(6),
        with_customer in any::<bool>(),
    ) {
        let fixture = Fixture::new(threshold, holders);
        let pending = fixture.start();
        let partials = if with_customer {
            prop_assume!(subset.len() < usize::from(threshold));
            fixture.partials(&pending, &subset)
        } else {
            fixture.saas_only(&pending, &subset)
        };
        let result = pending.finish(&partials);
        match result {
            Err(Error::MissingCustomerFragment) => prop_assert!(!with_customer),
            Err(Error::InsufficientPartials { have, need }) => {
                prop_assert!(with_customer);
                prop_assert_eq!(have, subset.len());
                prop_assert_eq!(need, usize::from(threshold));
            }
            other => prop_assert!(false, "unexpected {:?}", other.map(|key| key.key_check())),
        }
    }

    /// Any number of refreshes keeps every derived key.
    #[test]
    fn any_refresh_keeps_keys(
        threshold in 2u16..=4,
        extra in 0u16..=2,
        rounds in 1usize..=3,
        seed in any::<u64>(),
    ) {
        let holders = threshold + extra;
        let fixture = Fixture::new(threshold, holders);
        let before = fixture.derive(&(1..=threshold).collect::<Vec<_>>()).unwrap();

        let mut roster = fixture.roster.clone();
        let mut shares: Vec<SaasShare> = Vec::new();
        for round in 0..rounds {
            let refresh = deal_refresh(&roster).unwrap();
            let current: &[SaasShare] = if round == 0 { &fixture.shares } else { &shares };
            let next: Vec<SaasShare> = current
                .iter()
                .zip(&refresh.deltas)
                .map(|(share, delta)| share.refresh(delta, &refresh.update).unwrap())
                .collect();
            roster = roster.apply(&refresh.update).unwrap();
            shares = next;
        }

        // A seed-chosen subset of exactly t holders.
        let mut ids: Vec<u16> = (1..=holders).collect();
        let rotate = usize::try_from(seed % u64::from(holders)).unwrap();
        ids.rotate_left(rotate);
        ids.truncate(usize::from(threshold));

        let pending = PendingDerivation::start(&roster, &fixture.context).unwrap();
        let mut partials: Vec<DerivedPartial> = ids
            .iter()
            .map(|id| shares[usize::from(*id) - 1].evaluate(pending.request()).unwrap())
            .collect();
        partials.push(fixture.customer.evaluate(pending.request()).unwrap());
        let after = pending.finish(&partials).unwrap();
        prop_assert_eq!(after.key_check(), before.key_check());
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// Any single flipped bit in any of the t + 1 partials (header, element or proof) is
    /// rejected, either when parsing or when finishing.
    #[test]
    fn any_flipped_bit_in_a_partial_is_rejected(index in 0usize..3, bit in 0usize..PARTIAL_LEN * 8) {
        let fixture = shared_fixture();
        let pending = fixture.start();
        let partials = fixture.partials(&pending, &[1, 3]);
        let mut bytes = partials[index].to_bytes();
        bytes[bit / 8] ^= 1 << (bit % 8);
        let Ok(flipped) = DerivedPartial::from_bytes(&bytes) else {
            return Ok(());
        };
        let mut altered = partials.clone();
        altered[index] = flipped;
        prop_assert!(pending.finish(&altered).is_err());
        // The optimistic path does not read proofs, so a flipped proof bit next to a correct
        // element may still give the (correct) key; it must never give a different one.
        let reference = pending.finish(&partials).unwrap();
        if let Ok(key) = pending.finish_optimistic(&altered, &reference.key_check()) {
            prop_assert_eq!(key.key_check(), reference.key_check());
            prop_assert!(bit / 8 >= 60, "only proof bytes may be ignored, bit {}", bit);
        }
    }

    /// Any single flipped bit in an envelope (header, nonce, ciphertext or tag) makes it fail
    /// to parse or to open.
    #[test]
    fn any_flipped_bit_in_an_envelope_is_rejected(
        plaintext in proptest::collection::vec(any::<u8>(), 0..64),
        bit_seed in any::<usize>(),
    ) {
        let key = envelope_key();
        let sealed = key.seal(&plaintext).unwrap().into_bytes();
        let bit = bit_seed % (sealed.len() * 8);
        let mut bytes = sealed;
        bytes[bit / 8] ^= 1 << (bit % 8);
        if let Ok(envelope) = Envelope::from_bytes(&bytes) {
            prop_assert!(matches!(key.open(&envelope), Err(Error::Decrypt)));
        }
    }

    /// Any single flipped bit in the associated data's item context (the item path here)
    /// makes the envelope fail to open under the resulting key.
    #[test]
    fn any_flipped_bit_in_the_item_context_is_rejected(bit in 0usize..(26 * 7)) {
        let fixture = shared_fixture();
        let key = envelope_key();
        let envelope = key.seal(b"bound to its item").unwrap();
        let mut path = fixture.context.item_path().as_bytes().to_vec();
        path[bit / 7] ^= 1 << (bit % 7);
        let path = String::from_utf8(path).unwrap();
        let context = ItemContext::new(fixture.key_id, fixture.version, &path, 4).unwrap();
        let pending = PendingDerivation::start(&fixture.roster, &context).unwrap();
        let other = pending.finish(&fixture.partials(&pending, &[1, 2])).unwrap();
        prop_assert!(matches!(other.open(&envelope), Err(Error::Decrypt)));
    }
}

fn envelope_key() -> &'static keyless_fragments::ItemKey {
    static KEY: OnceLock<keyless_fragments::ItemKey> = OnceLock::new();
    KEY.get_or_init(|| shared_fixture().derive(&[1, 2]).unwrap())
}

fn plaintext_size() -> impl Strategy<Value = usize> {
    prop_oneof![
        6 => 0usize..=4096,
        1 => 4096usize..=(1 << 20),
        1 => Just(1usize << 20),
    ]
}

proptest! {
    #![proptest_config(config(16))]

    /// Seal and open round-trip for values from 0 bytes to 1 MiB.
    #[test]
    fn seal_open_round_trips(size in plaintext_size(), fill in any::<u8>()) {
        let key = envelope_key();
        let plaintext: Vec<u8> =
            (0..size).map(|index| fill.wrapping_add((index % 251) as u8)).collect();
        let envelope = key.seal(&plaintext).unwrap();
        prop_assert_eq!(envelope.as_bytes().len(), plaintext.len() + keyless_fragments::OVERHEAD);
        let parsed = Envelope::from_bytes(envelope.as_bytes()).unwrap();
        let opened = key.open(&parsed).unwrap();
        prop_assert!(opened.expose_secret() == plaintext.as_slice());
    }
}

#[test]
fn item_path_in_the_fixture_is_26_ascii_bytes() {
    // The context bit-flip property relies on this length and on ASCII (7-bit) characters.
    let path = shared_fixture().context.item_path();
    assert_eq!(path.len(), 26);
    assert!(path.is_ascii());
}
