//! End-to-end round trip through the public API.

use keyless_fragments::{
    CustomerFragment, Envelope, ItemContext, KeyId, KeyVersion, PendingDerivation, Roster,
    Threshold, deal_saas_shares,
};
use secrecy::ExposeSecret;

#[test]
fn derive_seal_and_open_with_different_subsets() {
    let key_id = KeyId::generate().unwrap();
    let version = KeyVersion::new(1);
    let dealing = deal_saas_shares(key_id, version, Threshold::new(2, 3).unwrap()).unwrap();
    let customer = CustomerFragment::generate(key_id, version).unwrap();
    let roster = Roster::new(&dealing.commitments, customer.public_share()).unwrap();
    let context = ItemContext::new(key_id, version, "/mdapi/svc/secret", 7).unwrap();

    let pending = PendingDerivation::start(&roster, &context).unwrap();
    let request = pending.request();
    let partials = [
        dealing.shares[0].evaluate(request).unwrap(),
        dealing.shares[1].evaluate(request).unwrap(),
        customer.evaluate(request).unwrap(),
    ];
    let key = pending.finish(&partials).unwrap();
    let envelope = key.seal(b"hello").unwrap();

    let stored = Envelope::from_bytes(envelope.as_bytes()).unwrap();
    let pending = PendingDerivation::start(&roster, &context).unwrap();
    let request = pending.request();
    let partials = [
        customer.evaluate(request).unwrap(),
        dealing.shares[2].evaluate(request).unwrap(),
        dealing.shares[1].evaluate(request).unwrap(),
    ];
    let optimistic = pending
        .finish_optimistic(&partials, &stored.key_check())
        .unwrap();
    assert_eq!(optimistic.open(&stored).unwrap().expose_secret(), b"hello");
    let verified = pending.finish(&partials).unwrap();
    assert_eq!(verified.open(&stored).unwrap().expose_secret(), b"hello");
}
